package dev.learnedcost.calcite.internal.learn;

/**
 * Converts the planner's cost units into milliseconds, fitted from the plugin's own
 * observations: {@code ms = cost * exp(m)}, where {@code m} is the running mean of
 * {@code ln(actualSelfMs / baseCost)} over every profiled operator.
 *
 * <p>Why a single log-space offset: cost units differ between operators by design (the learned
 * per-scope cost correction absorbs that), so a global scale is all the calibration needs to carry,
 * and a mean in log space is not dragged by the few operators that take 1000x their share.
 * Worked example: three operators with base costs 100, 1,000 and 10,000 took 0.2, 1.5 and 30 ms:
 * {@code m = mean(ln 0.002, ln 0.0015, ln 0.003) = -6.21}, so a cost of 5,000 predicts
 * {@code 5000 * e^-6.21 = 10 ms}.
 *
 * <p>Thread-safe (synchronized; updated once per operator on the learner thread).
 */
public final class CostCalibration {
  /** Observations before {@link #isReady()}: fewer give a cost target no meaning. */
  public static final int MIN_OBSERVATIONS = 8;

  private long count;
  private double meanLogMsPerCost;

  /** Creates an empty calibration. */
  public CostCalibration() {}

  /** Restores a calibration (for example from a snapshot). */
  public CostCalibration(long count, double meanLogMsPerCost) {
    if (count < 0 || !Double.isFinite(meanLogMsPerCost)) {
      throw new IllegalArgumentException("count must be >= 0 and meanLogMsPerCost finite, got "
          + count + ", " + meanLogMsPerCost);
    }
    this.count = count;
    this.meanLogMsPerCost = meanLogMsPerCost;
  }

  /** Adds one observation; ignores non-positive or non-finite values. */
  public synchronized void add(double baseCost, double actualMs) {
    if (!(baseCost > 0) || !(actualMs > 0) || Double.isInfinite(baseCost)
        || Double.isInfinite(actualMs)) {
      return;
    }
    count++;
    meanLogMsPerCost += (Math.log(actualMs / baseCost) - meanLogMsPerCost) / count;
  }

  /** Returns whether enough observations were made to predict times. */
  public synchronized boolean isReady() {
    return count >= MIN_OBSERVATIONS;
  }

  /** Returns the predicted milliseconds for a cost (0 for a cost of 0). */
  public synchronized double predictMs(double cost) {
    return cost > 0 ? cost * Math.exp(meanLogMsPerCost) : 0;
  }

  /** Returns the number of observations. */
  public synchronized long count() {
    return count;
  }

  /** Returns the fitted {@code ln(ms per cost unit)}. */
  public synchronized double meanLogMsPerCost() {
    return meanLogMsPerCost;
  }

  @Override
  public synchronized String toString() {
    return String.format(java.util.Locale.ROOT, "CostCalibration{n=%d, msPerCost=%.3g}", count,
        Math.exp(meanLogMsPerCost));
  }
}
