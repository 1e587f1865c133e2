package dev.learnedcost.examples.report;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.util.List;

/**
 * Totals of a demo run. Engines are summed by their {@link Engine.Role}: the stock engine is
 * stock Calcite or stock Flink, the learned engine Calcite or Flink with the learned model, the
 * baseline Flink with {@code ANALYZE TABLE} statistics (a run has one engine per role).
 *
 * @param h2TotalMs H2's milliseconds over every round, successful executions only
 * @param stockTotalMs the same for the stock engine
 * @param learnedTotalMs the same for the learned engine
 * @param lastRoundStockMs stock milliseconds in the last round, over the queries that both
 *     stock and learned completed there
 * @param lastRoundLearnedMs learned milliseconds over the same queries
 * @param speedupVsStock {@code lastRoundStockMs / lastRoundLearnedMs}; NaN when either engine
 *     did not run or no query completed on both
 * @param regressions queries that the learned engine ran more than {@value #REGRESSION_FACTOR}x
 *     slower than stock in the last round
 * @param resultMismatches results that differed from the reference engine's, over all rounds
 * @param timeouts executions cancelled after the timeout
 * @param failures failed executions, failed EXPLAINs and query files that could not be read
 * @param baselineTotalMs the baseline engine's milliseconds over every round (0 when none ran)
 * @param lastRoundBaselineMs baseline milliseconds in the last round, over the queries that
 *     both the baseline and the learned engine completed there
 * @param speedupVsBaseline {@code lastRoundBaselineMs} over the learned milliseconds of the same
 *     queries; NaN without a baseline
 * @param lastRoundStockPlanMs median preparation time of stock's queries in the last round,
 *     over the queries that both stock and learned completed there; NaN without any
 * @param lastRoundLearnedPlanMs the same for learned
 */
public record RunSummary(double h2TotalMs, double stockTotalMs, double learnedTotalMs,
    double lastRoundStockMs, double lastRoundLearnedMs, double speedupVsStock, int regressions,
    int resultMismatches, int timeouts, int failures, double baselineTotalMs,
    double lastRoundBaselineMs, double speedupVsBaseline, double lastRoundStockPlanMs,
    double lastRoundLearnedPlanMs) {

  /** Learned slower than stock by more than this factor counts as a regression. */
  public static final double REGRESSION_FACTOR = 1.2;

  /**
   * Computes the totals.
   *
   * @param rounds every round, in order
   * @param loadFailures query files that could not be read
   */
  public static RunSummary of(List<RoundResult> rounds, int loadFailures) {
    double[] totals = new double[Engine.Role.values().length];
    int mismatches = 0;
    int timeouts = 0;
    int failures = loadFailures;
    for (RoundResult round : rounds) {
      for (RoundResult.Row row : round.rows()) {
        mismatches += row.mismatches().size();
        failures += row.problems().size();
        for (QueryRun run : row.runs().values()) {
          switch (run.status()) {
            case OK -> totals[run.engine().role().ordinal()] += run.ms();
            case TIMEOUT -> timeouts++;
            case FAILED -> failures++;
          }
        }
      }
    }
    double lastStock = 0;
    double lastLearned = 0;
    int compared = 0;
    int regressions = 0;
    double lastBaseline = 0;
    double learnedBesideBaseline = 0;
    int comparedToBaseline = 0;
    List<Double> stockPlan = new java.util.ArrayList<>();
    List<Double> learnedPlan = new java.util.ArrayList<>();
    if (!rounds.isEmpty()) {
      for (RoundResult.Row row : rounds.get(rounds.size() - 1).rows()) {
        QueryRun stock = row.run(Engine.Role.STOCK);
        QueryRun learned = row.run(Engine.Role.LEARNED);
        QueryRun baseline = row.run(Engine.Role.BASELINE);
        if (stock != null && learned != null && stock.ok() && learned.ok()) {
          compared++;
          lastStock += stock.ms();
          lastLearned += learned.ms();
          if (learned.ms() > REGRESSION_FACTOR * stock.ms()) {
            regressions++;
          }
          if (!Double.isNaN(stock.planMs()) && !Double.isNaN(learned.planMs())) {
            stockPlan.add(stock.planMs());
            learnedPlan.add(learned.planMs());
          }
        }
        if (baseline != null && learned != null && baseline.ok() && learned.ok()) {
          comparedToBaseline++;
          lastBaseline += baseline.ms();
          learnedBesideBaseline += learned.ms();
        }
      }
    }
    double speedup = compared > 0 && lastLearned > 0 ? lastStock / lastLearned : Double.NaN;
    double vsBaseline = comparedToBaseline > 0 && learnedBesideBaseline > 0
        ? lastBaseline / learnedBesideBaseline : Double.NaN;
    return new RunSummary(totals[Engine.Role.REFERENCE.ordinal()],
        totals[Engine.Role.STOCK.ordinal()], totals[Engine.Role.LEARNED.ordinal()], lastStock,
        lastLearned, speedup, regressions, mismatches, timeouts, failures,
        totals[Engine.Role.BASELINE.ordinal()], lastBaseline, vsBaseline, median(stockPlan),
        median(learnedPlan));
  }

  /** Returns the total of the engine's role (all rounds, completed executions). */
  public double totalMs(Engine engine) {
    return switch (engine.role()) {
      case REFERENCE -> h2TotalMs;
      case STOCK -> stockTotalMs;
      case BASELINE -> baselineTotalMs;
      case LEARNED -> learnedTotalMs;
    };
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Returns whether anything failed: a mismatch, a failure or a timeout. */
  public boolean failed() {
    return resultMismatches > 0 || timeouts > 0 || failures > 0;
  }
}
