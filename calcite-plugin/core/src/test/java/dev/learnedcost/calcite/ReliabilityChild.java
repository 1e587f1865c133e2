package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import javax.sql.DataSource;

/**
 * The child JVM of {@link StateCrashTest}: {@code save-every-query <state file> <max>} learns
 * from one query after another with a save after each, printing {@code saved <n> <scan
 * observations>} after every save, until killed; {@code stale-save <state file>} runs the
 * probe's stale-save sequence through the URL driver and exits normally.
 */
public final class ReliabilityChild {
  private ReliabilityChild() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    DataSource tiny = TinyH2.create("child");
    if (args[0].equals("save-every-query")) {
      int max = Integer.parseInt(args[2]);
      try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
              .saveEvery(1).synchronous(true).build());
          Connection c = runtime.driver(LoraMode.ON, true)
              .connect("jdbc:calcite:", TinyH2.properties())) {
        TinyH2.mount(c, tiny);
        if (runtime.loadProblem() != null) {
          System.out.println("problem " + runtime.loadProblem());
        }
        System.out.println("start " + runtime.scopeStats(OperatorScope.SeqScan).observations());
        for (int n = 1; n <= max; n++) {
          TinyH2.rows(c, TinyH2.QUERY);
          System.out.println("saved " + runtime.stats().saves() + " "
              + runtime.scopeStats(OperatorScope.SeqScan).observations());
          System.out.flush();
        }
      }
    } else if (args[0].equals("stale-save")) {
      String url = "jdbc:calcite-lora:loraName=stale;loraLearn=true;loraModel=" + file;
      Connection a = DriverManager.getConnection(url, TinyH2.properties());
      TinyH2.mount(a, tiny);
      for (int i = 0; i < 3; i++) {
        TinyH2.rows(a, TinyH2.QUERY);
      }
      LoraDriver.closeLearning("stale");
      try (Connection b = DriverManager.getConnection(url, TinyH2.properties())) {
        TinyH2.mount(b, tiny);
        for (int i = 0; i < 3; i++) {
          TinyH2.rows(b, TinyH2.QUERY);
        }
      }
      // Connection a stays open: the JVM exits with it, and its runtime's shutdown hook (if any
      // were still registered) would run now.
      System.out.println("done " + List.of(a.isClosed()));
    } else {
      throw new IllegalArgumentException("mode must be save-every-query or stale-save, got "
          + args[0]);
    }
  }
}
