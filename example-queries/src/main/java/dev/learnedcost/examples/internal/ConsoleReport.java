package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.calcite.LoraStats;
import dev.learnedcost.calcite.ScopeStats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The demo's console output: a table per round, problems, plan differences, statistics. */
public final class ConsoleReport {
  private ConsoleReport() {}

  /** Prints one round's table, then every mismatch, failure and timeout of the round. */
  public static void printRound(PrintWriter out, RoundResult round, int rounds,
      Set<Engine> engines) {
    int nameWidth = "query".length();
    for (RoundResult.Row row : round.rows()) {
      nameWidth = Math.max(nameWidth, label(row).length());
    }
    out.printf(Locale.ROOT, "%nRound %d of %d%n", round.round(), rounds);
    StringBuilder header = new StringBuilder(pad("query", nameWidth));
    for (Engine e : engines) {
      header.append(String.format(Locale.ROOT, " %12s", e.label() + " ms"));
    }
    header.append("  plan changed  result check");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (RoundResult.Row row : round.rows()) {
      StringBuilder line = new StringBuilder(pad(label(row), nameWidth));
      for (Engine e : engines) {
        line.append(String.format(Locale.ROOT, " %12s", cell(row.run(e))));
      }
      line.append("  ").append(pad(row.planChanged() == null ? "-"
          : row.planChanged() ? "yes" : "no", 12));
      line.append("  ").append(check(row));
      out.println(line);
    }
    for (RoundResult.Row row : round.rows()) {
      for (CrossEngineCheck.Mismatch m : row.mismatches()) {
        out.printf(Locale.ROOT, "!!! RESULT MISMATCH in round %d, %s: %s%n", round.round(),
            label(row), m);
      }
      for (Engine e : engines) {
        QueryRun run = row.run(e);
        if (run != null && !run.ok()) {
          out.printf(Locale.ROOT, "%s in round %d, %s on %s: %s%n", run.status(), round.round(),
              label(row), e.label(), run.error());
        }
      }
      for (String problem : row.problems()) {
        out.printf(Locale.ROOT, "PROBLEM in round %d, %s: %s%n", round.round(), label(row),
            problem);
      }
    }
    out.flush();
  }

  /** Prints the stock and learned plans, with the model's corrections, of every changed plan. */
  public static void printPlanDiffs(PrintWriter out, RoundResult round) {
    boolean any = false;
    for (RoundResult.Row row : round.rows()) {
      if (row.plans() == null) {
        continue;
      }
      if (!any) {
        out.printf(Locale.ROOT, "%nPlans that differ from stock in round %d%n", round.round());
        any = true;
      }
      RoundResult.PlanDiff d = row.plans();
      out.printf(Locale.ROOT, "%n=== %s: stock plan%n%s%n", label(row), d.stockPlan());
      out.printf(Locale.ROOT, "--- %s: learned plan%n%s%n", label(row), d.learnedPlan());
      out.printf(Locale.ROOT, "--- %s: learned corrections on the stock plan%n%s%n", label(row),
          d.stockCorrections());
      out.printf(Locale.ROOT, "--- %s: learned corrections on the learned plan%n%s%n", label(row),
          d.learnedCorrections());
    }
    if (!any) {
      out.printf(Locale.ROOT, "%nNo plan differs from stock in round %d.%n", round.round());
    }
    out.flush();
  }

  /** Prints the per-scope learning statistics and the runtime's counters. */
  public static void printLearning(PrintWriter out, List<ScopeStats> scopes, LoraStats stats) {
    out.printf(Locale.ROOT, "%nLearning per scope (row error = mean |ln(estimate/actual)|)%n");
    if (scopes.isEmpty()) {
      out.println("  no scope has observations");
    }
    for (ScopeStats s : scopes) {
      out.println("  " + s);
    }
    out.printf(Locale.ROOT, "Model: %d handler calls, %d forwards, %d row and %d cost"
            + " corrections applied, %d training steps, %d fallbacks%s%n",
        stats.handlerCalls(), stats.forwards(), stats.rowCorrections(), stats.costCorrections(),
        stats.trainSteps(), stats.fallbacks(),
        stats.fallbacksByKind().isEmpty() ? "" : " " + stats.fallbacksByKind());
    out.printf(Locale.ROOT, "Learner: %d executions received, %d processed, %d dropped,"
            + " %d incomplete, %d failed; %d trajectories, mean improvement %.3f, success rate"
            + " %.2f; calibration %d observations, %.3g ms per cost unit%n",
        stats.received(), stats.processed(), stats.dropped(), stats.incomplete(), stats.failed(),
        stats.trajectories(), stats.meanImprovement(), stats.successRate(),
        stats.calibrationObservations(), stats.msPerCostUnit());
    out.flush();
  }

  /** Prints the summary. */
  public static void printSummary(PrintWriter out, RunSummary s, Set<Engine> engines) {
    out.printf(Locale.ROOT, "%nSummary%n");
    for (Engine e : engines) {
      double total = switch (e) {
        case H2 -> s.h2TotalMs();
        case STOCK -> s.stockTotalMs();
        case LEARNED -> s.learnedTotalMs();
      };
      out.printf(Locale.ROOT, "  %-8s total %10.1f ms (all rounds, completed queries)%n",
          e.label(), total);
    }
    if (engines.contains(Engine.STOCK) && engines.contains(Engine.LEARNED)) {
      out.printf(Locale.ROOT, "  last round: stock %.1f ms, learned %.1f ms, speedup vs stock"
              + " %.2fx, regressions (learned > %.1fx stock) %d%n", s.lastRoundStockMs(),
          s.lastRoundLearnedMs(), s.speedupVsStock(), RunSummary.REGRESSION_FACTOR,
          s.regressions());
    }
    out.printf(Locale.ROOT, "  result mismatches %d, timeouts %d, failures %d%n",
        s.resultMismatches(), s.timeouts(), s.failures());
    out.println(s.failed() ? "  FAILED: see the messages above" : "  OK");
    out.flush();
  }

  static String label(RoundResult.Row row) {
    return row.dataset() + "/" + row.query();
  }

  static String cell(QueryRun run) {
    if (run == null) {
      return "-";
    }
    return run.ok() ? String.format(Locale.ROOT, "%.1f", run.ms()) : run.status().name();
  }

  static String check(RoundResult.Row row) {
    if (!row.mismatches().isEmpty()) {
      return "MISMATCH";
    }
    long ok = row.runs().values().stream().filter(QueryRun::ok).count();
    if (ok < row.runs().size()) {
      return ok >= 2 ? "ok (" + ok + " of " + row.runs().size() + " ran)" : "not compared";
    }
    return ok >= 2 ? "ok" : "-";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
