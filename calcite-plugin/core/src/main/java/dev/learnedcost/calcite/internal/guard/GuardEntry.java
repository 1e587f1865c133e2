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

  synchronized QueryHistory snapshot() {
    return new QueryHistory(fingerprint, shape, planned, stockRuns, learnedRuns,
        stockMs(), learned.median(), lastStockMs, lastLearnedMs, stockPlan, learnedPlan,
        guarded, fallbacks);
  }
}
