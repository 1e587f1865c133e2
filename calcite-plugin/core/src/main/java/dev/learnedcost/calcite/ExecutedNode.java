package dev.learnedcost.calcite;

import java.util.List;
import java.util.Objects;

/**
 * What one plan node did in one execution, beside what the planner believed of it: the input of
 * the learner for an engine that runs plans itself. Calcite's Enumerable executor, profiled by
 * the runtime's learning connections, makes these internally; an engine with its own executor
 * (Flink, a remote executor) builds them from its own counters and hands the plan to
 * {@link LoraRuntime#learn(ExecutedPlan)}.
 *
 * @param trace the planner's beliefs about the node ({@link PlanTrace#of})
 * @param actualRows rows the node produced per execution of it (a node executed many times,
 *     such as the inner side of a nested loop, reports its mean); finite, {@code >= 0}
 * @param selfMs time spent in the node itself, without its inputs, per execution, in
 *     milliseconds; NaN when the engine does not measure it per node (then the node teaches
 *     rows only); otherwise finite and {@code >= 0}
 * @param truncated whether the node's consumer stopped reading it before its end (a limit
 *     above it): its rows are then what was asked for, not what it produces, and teach only a
 *     node with one input its output-to-input ratio
 * @param children what the node's inputs did, in input order; an engine that cannot map a
 *     child gives none (an empty list), and the node's row target then stays against its base
 */
public record ExecutedNode(NodeTrace trace, double actualRows, double selfMs, boolean truncated,
    List<ExecutedNode> children) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException naming the field and the value when one is out of range
   */
  public ExecutedNode {
    Objects.requireNonNull(trace, "trace");
    if (!(actualRows >= 0) || Double.isInfinite(actualRows)) {
      throw new IllegalArgumentException(
          "actualRows must be finite and >= 0, got " + actualRows + " (" + trace.label() + ")");
    }
    if (!Double.isNaN(selfMs) && (!(selfMs >= 0) || Double.isInfinite(selfMs))) {
      throw new IllegalArgumentException("selfMs must be NaN (not measured) or finite and >= 0,"
          + " got " + selfMs + " (" + trace.label() + ")");
    }
    children = List.copyOf(Objects.requireNonNull(children, "children"));
  }

  /** A leaf, or a node whose inputs the engine does not report. */
  public static ExecutedNode leaf(NodeTrace trace, double actualRows, double selfMs) {
    return new ExecutedNode(trace, actualRows, selfMs, false, List.of());
  }
}
