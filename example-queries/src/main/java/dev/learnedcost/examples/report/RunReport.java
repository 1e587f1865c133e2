package dev.learnedcost.examples.report;

import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.examples.run.Engine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What a demo prints and writes after its last round, the same for every engine: the last
 * round's plan differences, the learning statistics (with the row error per scope and round),
 * the model's save, unreadable query files, the summary, the {@code --json} file and the
 * {@code --report} page. Used by the H2 demo and the Flink demo.
 */
public final class RunReport {
  /** Seconds the learner may take to finish the last executions before the statistics. */
  private static final long LEARNER_WAIT_SECONDS = 60;

  /**
   * Where the demo's outputs go; null paths are not written.
   *
   * @param modelPath the runtime's state file, saved at the end (null: not saved)
   * @param jsonPath the {@code --json} file
   * @param reportDir the {@code --report} directory
   * @param title the HTML report's title (the command line)
   */
  public record Outputs(Path modelPath, Path jsonPath, Path reportDir, String title) {}

  private RunReport() {}

  /**
   * Prints and writes the run's end and returns the demo's exit code: 1 when a result differed,
   * a query failed or timed out, a query file was unreadable or the model could not be saved.
   *
   * @param runtime the learning runtime, or null when no engine learned
   * @throws IOException if the JSON or HTML file cannot be written
   */
  public static int finish(PrintWriter out, PrintWriter err, Set<Engine> engines,
      List<RoundResult> results, ScopeRounds scopeRounds, LoraRuntime runtime,
      List<String> loadFailures, Outputs outputs) throws IOException {
    if (engines.stream().anyMatch(e -> e.role() == Engine.Role.LEARNED) && !results.isEmpty()) {
      ConsoleReport.printPlanDiffs(out, results.get(results.size() - 1));
    }
    String learning = "";
    if (runtime != null) {
      awaitLearner(runtime);
      StringWriter text = new StringWriter();
      try (PrintWriter w = new PrintWriter(text)) {
        ConsoleReport.printLearning(w, runtime.scopeStats(), runtime.stats());
        ConsoleReport.printScopeRounds(w, scopeRounds);
      }
      learning = text.toString().strip();
      out.println();
      out.println(learning);
    }
    int saveFailures = 0;
    if (runtime != null && outputs.modelPath() != null) {
      try {
        runtime.save();
        out.println("Model saved to " + outputs.modelPath());
      } catch (IOException | RuntimeException e) {
        err.println("ERROR: cannot save the model to " + outputs.modelPath() + ": "
            + e.getMessage());
        saveFailures++;
      }
    }
    for (String f : loadFailures) {
      out.println("UNREADABLE query file: " + f);
    }
    RunSummary summary = RunSummary.of(results, loadFailures.size() + saveFailures);
    ConsoleReport.printSummary(out, summary, engines);
    if (outputs.jsonPath() != null) {
      JsonReport.write(outputs.jsonPath(), results, summary, loadFailures,
          runtime == null ? List.of() : runtime.scopeStats(), scopeRounds);
      out.println("JSON written to " + outputs.jsonPath());
    }
    if (outputs.reportDir() != null) {
      Path file = HtmlReport.write(outputs.reportDir(), new HtmlReport.Content(outputs.title(),
          engines, results, summary, loadFailures, learning));
      out.println("Report written to " + file);
    }
    out.flush();
    return summary.failed() ? 1 : 0;
  }

  /**
   * Waits for the runtime's learner to finish what it was handed, so that the statistics count
   * every execution; gives up after {@value #LEARNER_WAIT_SECONDS} s (the statistics then lag).
   */
  public static void awaitLearner(LoraRuntime runtime) {
    try {
      runtime.awaitIdle(Duration.ofSeconds(LEARNER_WAIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
