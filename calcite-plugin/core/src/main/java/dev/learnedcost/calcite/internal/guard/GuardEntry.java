package dev.learnedcost.calcite.internal.guard;

import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.calcite.internal.Window;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One fingerprint's state in the {@link RegressionGuard}; guarded by its own monitor. The fields
 * marked "not persisted" start over after a restart (see {@link GuardCodec}).
 */
final class GuardEntry {
  final String fingerprint;
  final String shape;
  long planned;
  /** The guard's tick when last planned: the eviction order (not persisted). */
  long lastPlanned;
  long stockRuns;
  long learnedRuns;
  double lastStockMs = Double.NaN;
  double lastLearnedMs = Double.NaN;
  long stockPlan;
  long learnedPlan;
  /** {@link #planned} when the newest stock run was recorded (not persisted: 0 on load). */
  long plannedAtStock;
  /** Re-measuring a stale stock baseline before deciding a fallback (not persisted). */
  boolean verifying;
  boolean guarded;
  double @Nullable [] guardState;
  int fallbacks;
  final Window stock;
  final Window learned;
  long stockPreparations;
  final Window stockPreparation;
  /** Consecutive slow learned preparations (not persisted). */
  int slowPreparations;
  /**
   * The first stock run of the query in this process, which ran freshly generated and compiled
   * code like a new learned plan's first run (not persisted: NaN after a restart until the
   * next stock run).
   */
  double coldStockMs = Double.NaN;
  /** Learned plans (by hash) that have executed in this process, newest last (not persisted). */
  final java.util.LinkedHashSet<Long> executedLearnedPlans = new java.util.LinkedHashSet<>();
  /** Learned plans remembered in {@link #executedLearnedPlans}. */
  static final int EXECUTED_PLANS = 16;

  GuardEntry(String fingerprint, String shape, int window) {
    this.fingerprint = fingerprint;
    this.shape = shape;
    this.stock = new Window(window);
    this.learned = new Window(window);
    this.stockPreparation = new Window(window);
  }

  /** The stock reference: the window's median, or the cold first run while it is empty. */
  double stockMs() {
    return stock.size() > 0 ? stock.median() : lastStockMs;
  }

  /** The slowest stock run in the window, or the cold first run while it is empty. */
  double slowestStockMs() {
    return stock.size() > 0 ? stock.max() : lastStockMs;
  }

  /**
   * Notes that learned plan {@code planHash} executes; returns true for its first execution in
   * this process (a cold run).
   */
  boolean firstExecutionOf(long planHash) {
    if (executedLearnedPlans.contains(planHash)) {
      return false;
    }
    executedLearnedPlans.add(planHash);
    if (executedLearnedPlans.size() > EXECUTED_PLANS) {
      executedLearnedPlans.remove(executedLearnedPlans.iterator().next());
    }
    return true;
  }

  /**
   * What a cold learned run is judged against: the slowest stock run known, the cold first one
   * of this process included; NaN when that cold run is not known (after a restart).
   */
  double coldReferenceMs() {
    return Double.isNaN(coldStockMs) ? Double.NaN : Math.max(coldStockMs, slowestStockMs());
  }

  synchronized QueryHistory snapshot() {
    return new QueryHistory(fingerprint, shape, planned, stockRuns, learnedRuns,
        stockMs(), learned.median(), lastStockMs, lastLearnedMs, stockPlan, learnedPlan,
        guarded, fallbacks);
  }
}
