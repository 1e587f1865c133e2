package dev.learnedcost.calcite.internal.learn;

import dev.learnedcost.calcite.ScopeStats;
import dev.learnedcost.calcite.internal.Window;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;

/**
 * Error and trajectory statistics of one scope: the running means of the row and cost errors of
 * the stock and learned estimates, the same row errors over the last {@value #ERROR_WINDOW}
 * observations (their medians), and the trajectories' improvements. Updated by the learner,
 * read by anyone; guarded by its own monitor. Kept in the state file, so that what a deployed
 * model learned can be inspected after a restart.
 */
public final class ScopeStatistics {
  /** Observations kept for the median errors. */
  public static final int ERROR_WINDOW = 256;

  long observations;
  double stockSum;
  double learnedSum;
  final Window stockWindow = new Window(ERROR_WINDOW);
  final Window learnedWindow = new Window(ERROR_WINDOW);
  long costCount;
  double stockCostSum;
  double learnedCostSum;
  long trajectoryCount;
  double improvementSum;
  long successes;

  /** Adds the row errors ({@code |ln(estimate / actual)|}) of one observation. */
  public synchronized void addRows(double stockError, double learnedError) {
    stockWindow.add(stockError);
    learnedWindow.add(learnedError);
    observations++;
    stockSum += stockError;
    learnedSum += learnedError;
  }

  /** Adds the cost errors ({@code |ln(predicted ms / actual ms)|}) of one observation. */
  public synchronized void addCost(double stockError, double learnedError) {
    costCount++;
    stockCostSum += stockError;
    learnedCostSum += learnedError;
  }

  /** Adds a trajectory; its improvement as the TrajectoryBuffer defines it: baseline / execution - 1. */
  public synchronized void addTrajectory(float executionMs, float baselineMs) {
    double improvement = executionMs > 0 ? baselineMs / executionMs - 1 : 0;
    trajectoryCount++;
    improvementSum += improvement;
    successes += improvement > 0 ? 1 : 0;
  }

  /** Returns the row observations made. */
  public synchronized long observations() {
    return observations;
  }

  /** Returns the statistics, with the adapter's counters. */
  public synchronized ScopeStats snapshot(OperatorScope scope, ScopedLoRA lora) {
    return new ScopeStats(scope, observations, lora.forwardCount(scope), lora.adaptCount(scope),
        mean(stockSum, observations), mean(learnedSum, observations),
        stockWindow.median(), learnedWindow.median(),
        mean(stockCostSum, costCount), mean(learnedCostSum, costCount),
        trajectoryCount, mean(improvementSum, trajectoryCount),
        mean(successes, trajectoryCount));
  }

  /** Forgets everything (a reset of the scope). */
  public synchronized void clear() {
    observations = 0;
    stockSum = 0;
    learnedSum = 0;
    stockWindow.clear();
    learnedWindow.clear();
    costCount = 0;
    stockCostSum = 0;
    learnedCostSum = 0;
    trajectoryCount = 0;
    improvementSum = 0;
    successes = 0;
  }

  private static double mean(double sum, long count) {
    return count == 0 ? Double.NaN : sum / count;
  }
}
