package dev.learnedcost.calcite.internal.learn;

import dev.learnedcost.calcite.ExecutedNode;
import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.NodeTrace;
import dev.learnedcost.calcite.ScopeStats;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.Trajectory;
import dev.learnedcost.engine.TrajectoryBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns executed plans into training: per node a row target and a cost target against what the
 * planner believed, remembered per scope and replayed. The learner thread calls
 * {@link #learn}; the statistics are read from any thread.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Row target: {@code ln(actual rows / base rows)} (rows floored at 1), where for filters
 *       and joins the base is re-evaluated at the inputs' actual rows
 *       ({@link NodeTrace#baseRowsAtInputs}), so each node learns its own selectivity or
 *       fan-out and not its inputs' current error: the target of a join used to move with every
 *       step of the scans below it, and replayed targets went stale.</li>
 *   <li>Cost target: {@code ln(actual self ms / predicted ms)}, where a {@link CostCalibration}
 *       fitted from the same observations turns the engine's cost units into milliseconds (used
 *       once the calibration is ready). Nodes whose engine does not time them per node teach
 *       rows only. Targets are clamped to the model's correction range.</li>
 *   <li>Replay: each scope keeps the latest targets of up to {@value #REPLAY_SIZE} distinct
 *       operators ({@link ReplayMemory}); after an execution, every scope it touched takes one
 *       supervised step per remembered target, {@code stepsPerObservation} passes, newest last.
 *       One rank-2 adapter serves every table of its scope; stepping only on the latest
 *       observation would chase it and undo what the other tables taught (measured: three
 *       scans of 25, 1,500 and 15,000 rows stayed 2.5x off after five executions, and two steps
 *       each overshot the smallest by 200x); replaying the remembered targets fits them
 *       jointly.</li>
 *   <li>Truncated nodes (their consumer stopped reading early) give no row target, except that
 *       a node with one input learns its output-to-input ratio: a filter that passed 40 of
 *       4,000 scanned rows (1%) where 15% was assumed learns {@code ln(0.01 / 0.15) = -2.7},
 *       the correction a complete scan would also teach.</li>
 *   <li>Every trained operator is recorded in a {@link TrajectoryBuffer}: its embedding, scope,
 *       actual self ms and the stock-predicted ms as the baseline.</li>
 * </ul>
 */
public final class Trainer {
  /** Distinct operators per scope whose latest targets are replayed after each execution. */
  public static final int REPLAY_SIZE = 128;
  /** Smallest time a target is computed from, in ms: below it timer noise dominates. */
  public static final double MIN_MS = 0.005;

  private final LearnedModel model;
  private final LoraRuntimeConfig config;
  private final CostCalibration calibration;
  private final TrajectoryBuffer trajectories;
  private final ScopeStatistics[] statistics;
  private final ReplayMemory[] memory = new ReplayMemory[OperatorScope.COUNT];
  private final double rowClamp;
  private final double costClamp;

  /**
   * Creates a trainer of {@code model} with a calibration and statistics (new, or loaded with
   * the model).
   */
  public Trainer(LearnedModel model, CostCalibration calibration, ScopeStatistics[] statistics) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = model.config();
    this.calibration = Objects.requireNonNull(calibration, "calibration");
    if (statistics.length != OperatorScope.COUNT) {
      throw new IllegalArgumentException("statistics must have one entry per scope ("
          + OperatorScope.COUNT + "), got " + statistics.length);
    }
    this.statistics = statistics.clone();
    this.trajectories = new TrajectoryBuffer(config.trajectoryCapacity(), config.dim());
    for (OperatorScope s : OperatorScope.values()) {
      memory[s.id()] = new ReplayMemory(REPLAY_SIZE);
    }
    this.rowClamp = Math.log(2) * Math.max(-config.rowLog2Min(), config.rowLog2Max());
    this.costClamp = Math.log(2) * Math.max(-config.costLog2Min(), config.costLog2Max());
  }

  /** Returns fresh statistics, one per scope. */
  public static ScopeStatistics[] newStatistics() {
    ScopeStatistics[] s = new ScopeStatistics[OperatorScope.COUNT];
    for (int i = 0; i < s.length; i++) {
      s[i] = new ScopeStatistics();
    }
    return s;
  }

  /**
   * Learns from one complete execution: targets for every node of an enabled scope, then the
   * replay of every scope touched. Learner thread only.
   *
   * @param attentionType recorded with each trajectory (the plan choice's ordinal)
   */
  public void learn(ExecutedPlan plan, int attentionType) {
    boolean[] touched = new boolean[OperatorScope.COUNT];
    List<ExecutedNode> nodes = new ArrayList<>();
    collect(plan.root(), nodes);
    for (ExecutedNode n : nodes) {
      learnNode(n, attentionType, touched);
    }
    int passes = config.stepsPerObservation();
    for (OperatorScope scope : OperatorScope.values()) {
      if (touched[scope.id()] && passes > 0) {
        memory[scope.id()].replay(model, scope, passes);
      }
    }
  }

  private static void collect(ExecutedNode n, List<ExecutedNode> out) {
    out.add(n);
    for (ExecutedNode c : n.children()) {
      collect(c, out);
    }
  }

  private void learnNode(ExecutedNode n, int attentionType, boolean[] touched) {
    NodeTrace t = n.trace();
    OperatorScope scope = t.scope();
    if (scope == null || !config.isEnabled(scope)) {
      return;
    }
    double actualRows = n.actualRows();
    ScopeStatistics stats = statistics[scope.id()];
    int rowScope = LearnedModel.rowScope(scope).id(); // a merge join learns the hash join's
    float[] rowX = t.rowEmbedding();
    if (rowX != null && !n.truncated()) {
      double atActual = baseAtActualInputs(n);
      double base = Double.isNaN(atActual) ? t.baseRows() : atActual;
      double target = clamp(Math.log(Math.max(actualRows, 1) / Math.max(base, 1)), rowClamp);
      double stockRows = Double.isNaN(t.stockRows()) ? t.baseRows() : t.stockRows();
      stats.addRows(logError(stockRows, actualRows), logError(t.learnedRows(), actualRows));
      memory[rowScope].put(rowX, CostEmbedding.READOUT_ROWS, target);
      touched[rowScope] = true;
    } else if (rowX != null) {
      double target = truncatedRowTarget(n);
      if (!Double.isNaN(target)) {
        memory[rowScope].put(rowX, CostEmbedding.READOUT_ROWS, clamp(target, rowClamp));
        touched[rowScope] = true;
      }
    }
    double actualMs = n.selfMs();
    if (Double.isNaN(actualMs)) {
      return;
    }
    double predictedMs = Double.NaN;
    float[] costX = t.costEmbedding();
    if (costX != null && t.baseCost() > 0) {
      if (config.learnCost() && calibration.isReady()) {
        predictedMs = calibration.predictMs(t.baseCost());
        double learnedMs = predictedMs * t.costFactor();
        stats.addCost(logMsError(predictedMs, actualMs), logMsError(learnedMs, actualMs));
        double target = clamp(
            Math.log(Math.max(actualMs, MIN_MS) / Math.max(predictedMs, MIN_MS)), costClamp);
        memory[scope.id()].put(costX, CostEmbedding.READOUT_COST, target);
        touched[scope.id()] = true;
      }
      calibration.add(t.baseCost(), actualMs);
    }
    float[] x = rowX != null ? rowX : costX;
    if (x != null) {
      float baselineMs = (float) (Double.isNaN(predictedMs) ? actualMs : predictedMs);
      synchronized (trajectories) {
        trajectories.record(x, scope.id(), attentionType, (float) actualMs, baselineMs);
      }
      stats.addTrajectory((float) actualMs, baselineMs);
    }
  }

  /**
   * The node's base at its inputs' actual rows, or NaN when the inputs are not all reported,
   * one of them was read only in part (its rows are what was pulled, not what it makes), or
   * the node has no formula ({@link NodeTrace#baseRowsAtInputs}).
   */
  static double baseAtActualInputs(ExecutedNode n) {
    List<ExecutedNode> children = n.children();
    int inputs = n.trace().inputRows().length;
    if (inputs == 0 || children.size() != inputs) {
      return Double.NaN;
    }
    double[] actual = new double[inputs];
    for (int k = 0; k < inputs; k++) {
      ExecutedNode c = children.get(k);
      if (c.truncated()) {
        return Double.NaN;
      }
      actual[k] = Math.max(1, c.actualRows());
    }
    return n.trace().baseRowsAtInputs(actual);
  }

  /**
   * The row target of a node whose consumer stopped pulling early: for a node with one input,
   * {@code ln(actual / base at the consumed input rows)}, which is
   * {@code ln(actual ratio / estimated ratio)} (assuming the input's order is independent of
   * the predicate); NaN (no target) for leaves, for nodes with several inputs and when the
   * input produced no row.
   */
  static double truncatedRowTarget(ExecutedNode n) {
    double[] estimatedIn = n.trace().inputRows();
    if (n.children().size() != 1 || estimatedIn.length != 1) {
      return Double.NaN;
    }
    double inRows = n.children().get(0).actualRows();
    if (inRows < 1 || !(estimatedIn[0] > 0)) {
      return Double.NaN;
    }
    double atActual = Math.max(n.trace().baseRows(), 1) / Math.max(estimatedIn[0], 1) * inRows;
    return Math.log(Math.max(n.actualRows(), 1) / atActual);
  }

  private static double clamp(double v, double bound) {
    return Math.max(-bound, Math.min(bound, v));
  }

  private static double logMsError(double predictedMs, double actualMs) {
    return Math.abs(Math.log(Math.max(predictedMs, MIN_MS) / Math.max(actualMs, MIN_MS)));
  }

  private static double logError(double estimate, double actual) {
    return Math.abs(Math.log(Math.max(estimate, 1) / Math.max(actual, 1)));
  }

  /** Returns the learning statistics of one scope. */
  public ScopeStats scopeStats(OperatorScope scope) {
    return statistics[scope.id()].snapshot(scope, model.scopedLoRA());
  }

  /** Returns the statistics of every scope (for the state file). */
  public ScopeStatistics[] statistics() {
    return statistics.clone();
  }

  /** Returns the calibration this trainer fits. */
  public CostCalibration calibration() {
    return calibration;
  }

  /** Returns {@code [count, mean improvement, success rate]} of the trajectories. */
  public double[] trajectorySummary() {
    synchronized (trajectories) {
      return new double[] {trajectories.totalCount(), trajectories.meanImprovement(),
          trajectories.successRate()};
    }
  }

  /** Returns a copy of the held trajectories, oldest first. */
  public List<Trajectory> trajectories() {
    synchronized (trajectories) {
      return trajectories.trajectories();
    }
  }
}
