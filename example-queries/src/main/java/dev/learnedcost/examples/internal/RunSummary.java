package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.util.List;

/**
 * Totals of a demo run.
 *
 * @param h2TotalMs H2's milliseconds over every round, successful executions only
 * @param stockTotalMs the same for stock Calcite
 * @param learnedTotalMs the same for learned Calcite
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
 */
public record RunSummary(double h2TotalMs, double stockTotalMs, double learnedTotalMs,
    double lastRoundStockMs, double lastRoundLearnedMs, double speedupVsStock, int regressions,
    int resultMismatches, int timeouts, int failures) {

  /** Learned slower than stock by more than this factor counts as a regression. */
  public static final double REGRESSION_FACTOR = 1.2;

  /**
   * Computes the totals.
   *
   * @param rounds every round, in order
   * @param loadFailures query files that could not be read
   */
  public static RunSummary of(List<RoundResult> rounds, int loadFailures) {
    double[] totals = new double[Engine.values().length];
    int mismatches = 0;
    int timeouts = 0;
    int failures = loadFailures;
    for (RoundResult round : rounds) {
      for (RoundResult.Row row : round.rows()) {
        mismatches += row.mismatches().size();
        failures += row.problems().size();
        for (QueryRun run : row.runs().values()) {
          switch (run.status()) {
            case OK -> totals[run.engine().ordinal()] += run.ms();
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
    if (!rounds.isEmpty()) {
      for (RoundResult.Row row : rounds.get(rounds.size() - 1).rows()) {
        QueryRun stock = row.run(Engine.STOCK);
        QueryRun learned = row.run(Engine.LEARNED);
        if (stock != null && learned != null && stock.ok() && learned.ok()) {
          compared++;
          lastStock += stock.ms();
          lastLearned += learned.ms();
          if (learned.ms() > REGRESSION_FACTOR * stock.ms()) {
            regressions++;
          }
        }
      }
    }
    double speedup = compared > 0 && lastLearned > 0 ? lastStock / lastLearned : Double.NaN;
    return new RunSummary(totals[Engine.H2.ordinal()], totals[Engine.STOCK.ordinal()],
        totals[Engine.LEARNED.ordinal()], lastStock, lastLearned, speedup, regressions,
        mismatches, timeouts, failures);
  }

  /** Returns whether anything failed: a mismatch, a failure or a timeout. */
  public boolean failed() {
    return resultMismatches > 0 || timeouts > 0 || failures > 0;
  }
}
