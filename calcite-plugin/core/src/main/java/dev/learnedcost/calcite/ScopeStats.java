package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;

/**
 * Learning statistics of one scope of a {@link LoraRuntime}, as an immutable snapshot; {@link #toString()} prints one
 * line.
 *
 * @param scope the scope
 * @param observations profiled operators of this scope that were trained on
 * @param forwards the scope's adapter forwards (planner corrections and learning passes)
 * @param adaptations the scope's adapter updates (training steps)
 * @param stockRowError mean {@code |ln(stock estimate / actual rows)|}
 * @param learnedRowError mean {@code |ln(learned estimate / actual rows)|}, the estimate the
 *     model gave at the time of each execution (before that execution's training step)
 * @param medianStockRowError median of the stock row errors over the last
 *     256 observations
 * @param medianLearnedRowError median of the learned row errors over the same window
 * @param stockCostError mean {@code |ln(stock predicted ms / actual ms)|} once the calibration
 *     is ready; NaN before
 * @param learnedCostError mean {@code |ln(learned predicted ms / actual ms)|} over the same
 *     observations; NaN before
 * @param trajectories trajectories recorded for the scope
 * @param meanImprovement their mean improvement ({@code predicted ms / actual ms - 1}); NaN
 *     without any
 * @param successRate their fraction with a positive improvement; NaN without any
 */
public record ScopeStats(
    OperatorScope scope, long observations, long forwards, long adaptations,
    double stockRowError, double learnedRowError, double medianStockRowError,
    double medianLearnedRowError, double stockCostError, double learnedCostError,
    long trajectories, double meanImprovement, double successRate) {

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%-14s n=%-5d fwd=%-7d adapt=%-6d rowErr %.3f -> %.3f (median %.3f -> %.3f)"
            + " costErr %.3f -> %.3f trajectories %d (mean improvement %.3f, success %.2f)",
        scope.displayName(), observations, forwards, adaptations, stockRowError,
        learnedRowError, medianStockRowError, medianLearnedRowError, stockCostError,
        learnedCostError, trajectories, meanImprovement, successRate);
  }
}
