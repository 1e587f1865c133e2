package dev.learnedcost.examples.report;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.calcite.LoraStats;
import dev.learnedcost.calcite.ScopeStats;
import dev.learnedcost.engine.OperatorScope;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The demo's console output: a table per round, problems, plan differences, statistics. */
public final class ConsoleReport {
  private ConsoleReport() {}

  /** Prints one round's table, then every mismatch, failure and timeout of the round. */
  public static void printRound(PrintWriter out, RoundResult round, int rounds,
      Set<Engine> engines) {
    printRound(out, round, rounds, engines, 1);
  }

  /**
   * Prints one round's table, noting when each engine's time is the median of {@code runs}
   * runs, then every mismatch, failure and timeout of the round.
   */
  public static void printRound(PrintWriter out, RoundResult round, int rounds,
      Set<Engine> engines, int runs) {
    int nameWidth = "query".length();
    for (RoundResult.Row row : round.rows()) {
      nameWidth = Math.max(nameWidth, label(row).length());
    }
    out.printf(Locale.ROOT, "%nRound %d of %d%s%n", round.round(), rounds, runs > 1
        ? " (each engine's median of " + runs + " runs, the engines taking turns)" : "");
    StringBuilder header = new StringBuilder(pad("query", nameWidth));
    for (Engine e : engines) {
      header.append(String.format(Locale.ROOT, " %" + width(e) + "s", e.label() + " ms"));
    }
    header.append("  plan changed  result check");
    out.println(header);
    out.println("-".repeat(header.length()));
    for (RoundResult.Row row : round.rows()) {
      StringBuilder line = new StringBuilder(pad(label(row), nameWidth));
      for (Engine e : engines) {
        line.append(String.format(Locale.ROOT, " %" + width(e) + "s", cell(row.run(e))));
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

  /**
   * Prints the row error of every observed scope in every round, stock estimate against the
   * learned one, and whether the last round's learned errors are below stock's.
   */
  public static void printScopeRounds(PrintWriter out, ScopeRounds rounds) {
    List<List<ScopeRounds.Row>> all = rounds.rounds();
    out.printf(Locale.ROOT, "%nRow error per scope and round: mean |ln(estimate/actual)| over the"
        + " operators executed, stock estimate -> learned estimate%n");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-15s", "scope"));
    for (int r = 1; r <= all.size(); r++) {
      header.append(String.format(Locale.ROOT, " %19s", "round " + r));
    }
    out.println(header);
    Set<OperatorScope> scopes =
        EnumSet.noneOf(OperatorScope.class);
    all.forEach(round -> round.forEach(row -> scopes.add(row.scope())));
    for (OperatorScope scope : scopes) {
      StringBuilder line = new StringBuilder(
          String.format(Locale.ROOT, "  %-15s", scope.displayName()));
      for (ScopeRounds.Row row : rounds.of(scope)) {
        line.append(row == null ? String.format(Locale.ROOT, " %19s", "-")
            : String.format(Locale.ROOT, " %5.2f -> %5.2f (%3d)", row.stockRowError(),
                row.learnedRowError(), Math.min(999, row.observations())));
      }
      out.println(line);
    }
    if (!all.isEmpty()) {
      List<OperatorScope> worse = rounds.notBelowStockInLastRound();
      out.println(worse.isEmpty()
          ? "  last round: the learned row error is below stock's in every scope with errors"
          : "  last round: the learned row error is NOT below stock's in " + worse.stream()
              .map(OperatorScope::displayName).toList());
    }
    out.flush();
  }

  /** Prints the summary. */
  public static void printSummary(PrintWriter out, RunSummary s, Set<Engine> engines) {
    out.printf(Locale.ROOT, "%nSummary%n");
    for (Engine e : engines) {
      out.printf(Locale.ROOT, "  %-13s total %10.1f ms (all rounds, completed queries)%n",
          e.label(), s.totalMs(e));
    }
    if (hasRole(engines, Engine.Role.STOCK) && hasRole(engines, Engine.Role.LEARNED)) {
      out.printf(Locale.ROOT, "  last round: stock %.1f ms, learned %.1f ms, speedup vs stock"
              + " %.2fx, regressions (learned > %.1fx stock) %d%n", s.lastRoundStockMs(),
          s.lastRoundLearnedMs(), s.speedupVsStock(), RunSummary.REGRESSION_FACTOR,
          s.regressions());
      if (!Double.isNaN(s.lastRoundStockPlanMs())) {
        out.printf(Locale.ROOT, "  last round planning (median per query: parse, plan,"
                + " compile): stock %.1f ms, learned %.1f ms (%.2fx)%n", s.lastRoundStockPlanMs(),
            s.lastRoundLearnedPlanMs(), s.lastRoundLearnedPlanMs() / s.lastRoundStockPlanMs());
      }
    }
    if (hasRole(engines, Engine.Role.BASELINE) && hasRole(engines, Engine.Role.LEARNED)) {
      out.printf(Locale.ROOT, "  last round: baseline %.1f ms, speedup vs baseline %.2fx%n",
          s.lastRoundBaselineMs(), s.speedupVsBaseline());
    }
    out.printf(Locale.ROOT, "  result mismatches %d, timeouts %d, failures %d%n",
        s.resultMismatches(), s.timeouts(), s.failures());
    out.println(s.failed() ? "  FAILED: see the messages above" : "  OK");
    out.flush();
  }

  /** Returns whether one of {@code engines} plays {@code role}. */
  static boolean hasRole(Set<Engine> engines, Engine.Role role) {
    return engines.stream().anyMatch(e -> e.role() == role);
  }

  static String label(RoundResult.Row row) {
    return row.dataset() + "/" + row.query();
  }

  /** The width of an engine's column: 12, or its label and " ms". */
  private static int width(Engine e) {
    return Math.max(12, e.label().length() + 3);
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
