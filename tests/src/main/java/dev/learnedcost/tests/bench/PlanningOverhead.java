package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The planning overhead of the plugin against stock Calcite, measured so that load from other
 * processes hits every mode alike: {@link PlanningBenchmark}'s query set (parse, validate,
 * convert, optimize to Enumerable, a fresh planner per query) planned in several modes taking
 * turns.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Forked (the default): each mode runs in JVMs of its own, {@code --forks} of them per
 *       mode, launched one after another in a rotating order of the modes; each JVM warms up
 *       and reports the median time of a query set. Separate JVMs keep one mode's classes out
 *       of another's JIT type profiles (the stock and the plugin's metadata handlers and cost
 *       classes behind the same call sites), which would slow every mode of a shared JVM.
 *       {@code --forks 0} interleaves the modes round by round in one JVM instead.</li>
 *   <li>Time: wall time, and the planning thread's CPU time, which waiting for a core does not
 *       inflate on a loaded machine (garbage collection and JIT compilation run on other
 *       threads and are not in it). Ratios against stock: of the medians, and per fork round
 *       (the modes of one round ran within seconds of each other) their median and quartiles.
 *       JMH ({@code PlanningBenchmark}) runs its parameters one after another, so on a shared
 *       machine load changes between them become differences; use it on a quiet machine.</li>
 *   <li>Modes: {@code stock}; the plugin {@code untrained} and {@code trained} (mode ON); and,
 *       to tell apart where the plugin's time goes, stock metadata with the plugin's weighted
 *       cost alone ({@code lora-cost}), and the trained plugin's metadata under Calcite's own
 *       {@code VolcanoCost} ({@code trained-volcano}).</li>
 * </ul>
 *
 * <p>Run (from the repository root; a JFR profile of one mode: {@code --forks 0 --modes
 * trained} with {@code -XX:StartFlightRecording=filename=plan.jfr,settings=profile}):
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -cp tests/target/benchmarks.jar dev.learnedcost.tests.bench.PlanningOverhead --forks 6
 * </pre>
 */
@Command(name = "planning-overhead", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Planning time of the plugin (untrained, trained) against stock Calcite,"
        + " with the modes taking turns.")
public final class PlanningOverhead implements Callable<Integer> {
  static final List<String> MODES =
      List.of("stock", "untrained", "trained", "lora-cost", "trained-volcano");
  private static final String RESULT = "RESULT ";

  @Option(names = "--forks", defaultValue = "6", paramLabel = "N",
      description = "JVMs per mode, launched in turns; 0: interleave the modes round by round in"
          + " this JVM (default: ${DEFAULT-VALUE})")
  int forks;

  @Option(names = "--rounds", defaultValue = "30", paramLabel = "N",
      description = "measured query sets per mode and JVM (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--warmup", defaultValue = "20", paramLabel = "N",
      description = "unmeasured query sets first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--modes", defaultValue = "stock,untrained,trained", split = ",",
      paramLabel = "MODE", description = "of " + "stock, untrained, trained, lora-cost,"
          + " trained-volcano; the first is the baseline (default: ${DEFAULT-VALUE})")
  List<String> modes;

  private PlanningOverhead() {}

  /** Runs the comparison and prints the table. */
  public static void main(String[] args) {
    // Calcite's JDBC adapter logs every table lookup at INFO: noise in a timing.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.exit(new CommandLine(new PlanningOverhead()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (String m : modes) {
      if (!MODES.contains(m)) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--modes: each must be one of " + MODES + ", got " + m);
      }
    }
    if (forks < 0 || rounds < 1 || warmup < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--forks must be >= 0,"
          + " --rounds >= 1 and --warmup >= 0, got " + forks + ", " + rounds + ", " + warmup);
    }
    double[][][] ms = forks == 0 ? inThisJvm(modes, rounds, warmup) : forked();
    System.out.printf(Locale.ROOT, "Planning %d queries per set; %s; %d measured sets after %d"
        + " warm-up per %s (JDK %s, %d cores, load average %.1f)%n",
        PlanningBenchmark.QUERIES.size(), forks == 0 ? "modes interleaved in one JVM"
            : forks + " JVMs per mode, launched in turns", rounds, warmup,
        forks == 0 ? "mode" : "JVM", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(Locale.ROOT, "%-5s %-16s %10s %15s %15s %30s%n", "time", "mode",
        "median ms", "p25-p75 ms", "median / " + modes.get(0),
        forks == 0 ? "per-round ratio p25/p50/p75" : "per-fork ratio p25/p50/p75");
    print("wall", ms[0]);
    print("cpu", ms[1]);
    return 0;
  }

  /** Per mode, per fork: the JVM's median wall and CPU ms ({@code [kind][mode][fork]}). */
  private double[][][] forked() throws Exception {
    double[][][] out = new double[2][modes.size()][forks];
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("java.class.path");
    for (int f = 0; f < forks; f++) {
      for (int k = 0; k < modes.size(); k++) {
        int m = Math.floorMod(f + k, modes.size());
        Process p = new ProcessBuilder(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", classPath, PlanningOverhead.class.getName(), "--forks", "0", "--rounds",
            String.valueOf(rounds), "--warmup", String.valueOf(warmup), "--modes",
            modes.get(m)).redirectErrorStream(true).start();
        double[] result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            output.append(line).append('\n');
            if (line.startsWith(RESULT)) {
              String[] parts = line.substring(RESULT.length()).trim().split(" ");
              result = new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
            }
          }
        }
        int code = p.waitFor();
        if (code != 0 || result == null) {
          throw new IllegalStateException("the JVM of mode " + modes.get(m) + " (fork " + (f + 1)
              + ") exited with " + code + " and no result:\n" + output);
        }
        out[0][m][f] = result[0];
        out[1][m][f] = result[1];
        System.err.printf(Locale.ROOT, "fork %d/%d %-16s wall %8.1f ms  cpu %8.1f ms%n", f + 1,
            forks, modes.get(m), result[0], result[1]);
      }
    }
    return out;
  }

  /** Per mode, per round: wall and CPU ms ({@code [kind][mode][round]}), modes interleaved. */
  private static double[][][] inThisJvm(List<String> modes, int rounds, int warmup)
      throws Exception {
    double[][][] out = new double[2][modes.size()][rounds];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Connection keepAlive = PlanningBenchmark.openSchemaDatabase();
        LoraRuntime untrained = LoraRuntime.open();
        LoraRuntime trained = modes.stream().anyMatch(m -> m.startsWith("trained"))
            ? PlanningBenchmark.trainedRuntime(PlanningBenchmark.stockConfig()) : null) {
      Map<String, FrameworkConfig> configs = new LinkedHashMap<>();
      for (String m : modes) {
        configs.put(m, switch (m) {
          case "stock" -> PlanningBenchmark.stockConfig();
          case "untrained" -> untrained.configure(PlanningBenchmark.stockConfig(), LoraMode.ON);
          case "trained" -> trained.configure(PlanningBenchmark.stockConfig(), LoraMode.ON);
          case "lora-cost" -> Frameworks.newConfigBuilder(PlanningBenchmark.stockConfig())
              .costFactory(untrained.costFactory()).build();
          case "trained-volcano" -> Frameworks.newConfigBuilder(
              trained.configure(PlanningBenchmark.stockConfig(), LoraMode.ON))
              .costFactory(null).build();
          default -> throw new IllegalArgumentException("unknown mode " + m);
        });
      }
      List<FrameworkConfig> list = new ArrayList<>(configs.values());
      for (int r = -warmup; r < rounds; r++) {
        for (int k = 0; k < list.size(); k++) {
          int m = Math.floorMod(r + k, list.size());
          long c0 = threads.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          for (String q : PlanningBenchmark.QUERIES) {
            PlanningBenchmark.plan(list.get(m), q);
          }
          if (r >= 0) {
            out[0][m][r] = (System.nanoTime() - t0) / 1e6;
            out[1][m][r] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
          }
        }
      }
    }
    if (modes.size() == 1) {
      System.out.printf(Locale.ROOT, "%s%s %.3f %.3f%n", RESULT, modes.get(0),
          median(out[0][0]), median(out[1][0]));
    }
    return out;
  }

  private void print(String kind, double[][] ms) {
    double base = median(ms[0]);
    for (int m = 0; m < modes.size(); m++) {
      double[] ratios = new double[ms[m].length];
      for (int r = 0; r < ratios.length; r++) {
        ratios[r] = ms[m][r] / ms[0][r];
      }
      System.out.printf(Locale.ROOT, "%-5s %-16s %10.1f %7.1f-%-7.1f %15.3f %18.3f/%.3f/%.3f%n",
          kind, modes.get(m), median(ms[m]), quantile(ms[m], 0.25), quantile(ms[m], 0.75),
          median(ms[m]) / base, quantile(ratios, 0.25), quantile(ratios, 0.5),
          quantile(ratios, 0.75));
    }
  }

  private static double median(double[] v) {
    return quantile(v, 0.5);
  }

  /** The quantile by linear interpolation between the order statistics. */
  static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
