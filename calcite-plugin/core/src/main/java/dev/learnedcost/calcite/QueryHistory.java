package dev.learnedcost.calcite;

/**
 * What the regression guard knows about one query fingerprint (a snapshot).
 *
 * @param fingerprint the query's fingerprint ({@link LoraRuntime#fingerprint(String)})
 * @param shape the normalized SQL, cut to 400 characters
 * @param planned how often it was planned through the guard
 * @param stockRuns completed executions of a stock plan (or of a learned plan identical to it)
 * @param learnedRuns completed executions of a learned plan
 * @param stockMedianMs median execution time of the stock plan over the window (which leaves out
 *     the query's cold first run), or that first run while it is the only one; NaN if none
 * @param learnedMedianMs median execution time of the current learned plan over the window; NaN
 *     if none
 * @param lastStockMs the stock plan's latest execution time; NaN if none
 * @param lastLearnedMs the learned plan's latest execution time; NaN if none
 * @param stockPlan hash of the stock plan's text (0 if not seen)
 * @param learnedPlan hash of the current learned plan's text (0 if not seen)
 * @param guarded whether the query now plans with stock costs because of a regression
 * @param fallbacks how often the guard fell back to stock for it
 */
public record QueryHistory(
    String fingerprint, String shape, long planned, long stockRuns, long learnedRuns,
    double stockMedianMs, double learnedMedianMs, double lastStockMs, double lastLearnedMs,
    long stockPlan, long learnedPlan, boolean guarded, int fallbacks) {

  /** Returns whether the learned plan differs from the stock plan (both having run). */
  public boolean planChanged() {
    return stockPlan != 0 && learnedPlan != 0 && stockPlan != learnedPlan;
  }

  /** Returns learned median over stock median: below 1 the learned plan is faster. */
  public double learnedOverStock() {
    return learnedMedianMs / stockMedianMs;
  }
}
