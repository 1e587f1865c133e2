package dev.learnedcost.calcite.internal.guard;

/**
 * Settings of the {@link RegressionGuard}, validated at construction; set through
 * {@code LoraRuntimeConfig.Builder}'s {@code guard...} methods, whose names the messages use.
 *
 * @param enabled whether the guard chooses plans at all; off, every query plans learned and the
 *     history is still kept
 * @param threshold a learned plan is a regression when the median of its last {@code window}
 *     latencies exceeds {@code threshold} times the median of the stock plan's; finite, {@code > 1}
 * @param window latencies per plan the medians are taken over, 1..64
 * @param baselineRuns how many times a query seen for the first time is planned with stock costs,
 *     so that its learned plans have a baseline to be compared with (0: none, then the guard can
 *     only act after an exploration run); 0..window. A query's first execution runs freshly
 *     generated, still interpreted code, so it stays out of the stock window (measured on TPC-H:
 *     12.6 s cold against 3.4 s warm for the same stock plans); it is the baseline only while no
 *     other stock run exists
 * @param exploreEvery plan every {@code exploreEvery}-th execution of a query with stock costs to
 *     keep its baseline fresh; 0 never (the default, and what tests want: explicit exploration
 *     only)
 * @param retryChange how much the model must change before a guarded query tries its learned plan
 *     again: the relative change of the vector of per-scope adapter norms
 *     ({@code |now - then| / |then|}) since the fallback; finite, {@code > 0}
 * @param severeFactor a single learned run slower than {@code severeFactor} times the stock
 *     median falls back at once, without waiting for the window; so does a learned run cancelled
 *     or closed early after running that long (a timeout: its latency is at least that). Finite,
 *     {@code >= threshold}
 */
public record GuardOptions(
    boolean enabled, double threshold, int window, int baselineRuns, int exploreEvery,
    double retryChange, double severeFactor) {

  /**
   * On, 1.2x over a window of 3, two stock baseline runs, no exploration, retry after a 25%
   * change, at once beyond 5x.
   */
  public static final GuardOptions DEFAULTS = new GuardOptions(true, 1.2, 3, 2, 0, 0.25, 5);

  /** The guard off: every query plans learned. */
  public static final GuardOptions OFF = DEFAULTS.withEnabled(false);

  /** Validates. */
  public GuardOptions {
    if (!(threshold > 1) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("guardThreshold must be finite and > 1, got " + threshold);
    }
    if (window < 1 || window > 64) {
      throw new IllegalArgumentException("guardWindow must be in 1..64, got " + window);
    }
    if (baselineRuns < 0 || baselineRuns > window) {
      throw new IllegalArgumentException(
          "guardBaselineRuns must be in 0..guardWindow (" + window + "), got " + baselineRuns);
    }
    if (exploreEvery < 0) {
      throw new IllegalArgumentException("guardExploreEvery must be >= 0, got " + exploreEvery);
    }
    if (!(retryChange > 0) || Double.isInfinite(retryChange)) {
      throw new IllegalArgumentException("guardRetryChange must be finite and > 0, got " + retryChange);
    }
    if (!(severeFactor >= threshold) || Double.isInfinite(severeFactor)) {
      throw new IllegalArgumentException("guardSevereFactor must be finite and >= guardThreshold ("
          + threshold + "), got " + severeFactor);
    }
  }

  /** Returns these options switched on or off. */
  public GuardOptions withEnabled(boolean value) {
    return new GuardOptions(value, threshold, window, baselineRuns, exploreEvery, retryChange,
        severeFactor);
  }

  /** Returns these options with another threshold (raising the severe factor to it if lower). */
  public GuardOptions withThreshold(double value) {
    return new GuardOptions(enabled, value, window, baselineRuns, exploreEvery, retryChange,
        Math.max(severeFactor, value));
  }

  /** Returns these options with another window (lowering the baseline runs to it if higher). */
  public GuardOptions withWindow(int value) {
    return new GuardOptions(enabled, threshold, value, Math.min(baselineRuns, Math.max(value, 0)),
        exploreEvery, retryChange, severeFactor);
  }

  /** Returns these options with another number of stock baseline runs. */
  public GuardOptions withBaselineRuns(int value) {
    return new GuardOptions(enabled, threshold, window, value, exploreEvery, retryChange,
        severeFactor);
  }

  /** Returns these options with another severe factor. */
  public GuardOptions withSevereFactor(double value) {
    return new GuardOptions(enabled, threshold, window, baselineRuns, exploreEvery, retryChange,
        value);
  }

  /** Returns these options with another exploration period (0: never). */
  public GuardOptions withExploreEvery(int value) {
    return new GuardOptions(enabled, threshold, window, baselineRuns, value, retryChange,
        severeFactor);
  }
}
