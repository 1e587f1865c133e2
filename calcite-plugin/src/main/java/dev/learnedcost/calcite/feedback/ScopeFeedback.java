package dev.learnedcost.calcite.feedback;

import dev.learnedcost.engine.OperatorScope;

/**
 * Learning statistics of one scope, as an immutable snapshot.
 *
 * @param scope the scope
 * @param observations profiled operators of this scope that were trained on
 * @param stockRowError mean {@code |ln(stock estimate / actual rows)|}
 * @param learnedRowError mean {@code |ln(learned estimate / actual rows)|}, the estimate the
 *     model gave at the time of each execution (before that execution's training step)
 * @param medianStockRowError median of the stock row errors over the last
 *     {@value FeedbackLoop#ERROR_WINDOW} observations
 * @param medianLearnedRowError median of the learned row errors over the same window
 * @param meanCostError mean {@code |ln(learned predicted ms / actual ms)|} once the calibration
 *     is ready; NaN before
 */
public record ScopeFeedback(
    OperatorScope scope, long observations, double stockRowError, double learnedRowError,
    double medianStockRowError, double medianLearnedRowError, double meanCostError) {

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "%-14s n=%-5d rowErr stock %.3f -> learned %.3f (median %.3f -> %.3f) costErr %.3f",
        scope.displayName(), observations, stockRowError, learnedRowError, medianStockRowError,
        medianLearnedRowError, meanCostError);
  }
}
