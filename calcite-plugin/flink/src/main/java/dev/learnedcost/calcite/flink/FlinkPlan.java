package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.PlanTrace;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;

/**
 * An optimized Flink physical plan ({@link FlinkInstallation#explain}) and the runtime's view of
 * it.
 *
 * @param root the optimized physical plan's root
 * @param text the plan as text (Calcite's EXPLAIN with attributes, no ids), equal for equal plans
 * @param trace per node its scope, Flink's estimate, the correction and the learned estimate;
 *     {@link PlanTrace#toString()} prints them
 */
public record FlinkPlan(RelNode root, String text, PlanTrace trace) {
  /** Validates. */
  public FlinkPlan {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(trace, "trace");
  }
}
