package dev.learnedcost.calcite.internal.profile;

import java.util.List;

/**
 * Per-operator actuals of one execution of a profiled plan.
 *
 * @param profile the plan the execution ran
 * @param operators one entry per node of {@link PlanProfile#nodes()}, in the same order
 * @param wallNanos time from opening the root to its end (exhausted or closed)
 * @param complete whether the root was read to the end; false when the consumer closed early
 */
public record ExecutionActuals(
    PlanProfile profile, List<OperatorActuals> operators, long wallNanos, boolean complete) {

  /** Defensive copy. */
  public ExecutionActuals {
    operators = List.copyOf(operators);
  }

  /** Returns the actuals of one node. */
  public OperatorActuals of(int nodeIndex) {
    return operators.get(nodeIndex);
  }
}
