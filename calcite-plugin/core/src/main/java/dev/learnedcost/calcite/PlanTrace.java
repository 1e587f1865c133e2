package dev.learnedcost.calcite;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A traced plan: the {@link NodeTrace} of every node, in pre-order (the root first), and a hash
 * of the plan's text that tells plans apart. Made by {@link LoraRuntime#trace}; immutable.
 * {@link #toString()} is the plugin's EXPLAIN: per node its scope, base rows and cost, the
 * corrections and the learned values.
 *
 * <pre>
 * mode=ON
 * EnumerableHashJoin#412  [HashJoin]  rows 1500 x1.000 = 1500; cost 2061 x50.00 = 1.030e+05
 *   JdbcToEnumerableConverter#398  [SeqScan]  rows 100.0 x150.0 = 1.500e+04; cost 110.0 x1.000 = 110.0
 * </pre>
 */
public final class PlanTrace {
  private final LoraMode mode;
  private final List<RelNode> nodes;
  private final List<NodeTrace> traces;
  private final int[] depths;
  private final Map<RelNode, NodeTrace> byNode = new IdentityHashMap<>();
  private final long planHash;

  PlanTrace(LoraMode mode, List<RelNode> nodes, List<NodeTrace> traces, int[] depths,
      long planHash) {
    this.mode = mode;
    this.nodes = List.copyOf(nodes);
    this.traces = List.copyOf(traces);
    this.depths = depths.clone();
    this.planHash = planHash;
    for (int i = 0; i < nodes.size(); i++) {
      byNode.put(nodes.get(i), traces.get(i));
    }
  }

  /** Returns the mode the plan was traced in. */
  public LoraMode mode() {
    return mode;
  }

  /** Returns the traced nodes in pre-order; the root first. */
  public List<RelNode> nodes() {
    return nodes;
  }

  /** Returns the traces in the order of {@link #nodes()}. */
  public List<NodeTrace> traces() {
    return traces;
  }

  /** Returns the root's trace. */
  public NodeTrace root() {
    return traces.get(0);
  }

  /** Returns the trace of a node of this plan (by identity), or null if it was not traced. */
  public @Nullable NodeTrace of(RelNode rel) {
    return byNode.get(Objects.requireNonNull(rel, "rel"));
  }

  /**
   * Returns a hash of the plan's text (node types and attributes, no ids, no costs): equal for
   * the same plan planned again, different for another join order or algorithm.
   */
  public long planHash() {
    return planHash;
  }

  /**
   * Returns the plan's learned cumulative cost: the sum over its nodes of the base self cost
   * times the cost correction, as weighted values (rows + 0.1 cpu + io): what the planner
   * compared this plan by. NaN if a node has no cost.
   */
  public double learnedCost() {
    double sum = 0;
    for (NodeTrace t : traces) {
      sum += t.baseCost() * t.costFactor();
    }
    return sum;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("mode=").append(mode).append('\n');
    for (int i = 0; i < traces.size(); i++) {
      sb.append("  ".repeat(depths[i])).append(traces.get(i)).append('\n');
    }
    return sb.toString();
  }
}
