package dev.learnedcost.calcite.flink;

import dev.learnedcost.engine.OperatorScope;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;

/**
 * One node of an executed Flink plan: an optimized batch physical node the planner estimated,
 * with what it actually produced.
 *
 * @param rel the optimized physical node ({@code BatchPhysical*}), as the planner estimated it
 * @param scope its operator scope ({@code LoraRuntime.scopeOf}), or null for none
 * @param execNodeId the id of its exec node in the compiled plan, the {@code [id]} in its
 *     operators' names
 * @param plannedRows the row estimate the planner used (Flink's times the correction), from the
 *     planner's metadata query at the end of optimization; NaN if unknown
 * @param flinkRows Flink's own row estimate for the node (the base of the correction); NaN if
 *     unknown
 * @param actualRows the rows it produced, summed over its parallel subtasks (a sink: the rows it
 *     wrote); -1 when Flink reported no operator for it
 * @param selfMillis busy time of its task in milliseconds, summed over subtasks, when the task
 *     runs this node alone; NaN when Flink measures it only together with other nodes
 * @param truncated whether a consumer stopped it early; never in a finished Flink batch job (a
 *     limit does not cancel its input there)
 * @param folded physical nodes folded into this one, directly below it: exchanges (they pass
 *     rows through), the local half of a local/global aggregate or limit pair
 * @param children the nodes below, after folding
 */
public record FlinkPlanNode(RelNode rel, OperatorScope scope, int execNodeId,
    double plannedRows, double flinkRows, long actualRows, double selfMillis, boolean truncated,
    List<RelNode> folded, List<FlinkPlanNode> children) {
  /** Creates a node; the lists are copied. */
  public FlinkPlanNode {
    Objects.requireNonNull(rel, "rel");
    folded = List.copyOf(folded);
    children = List.copyOf(children);
  }

  /** Whether Flink reported rows for this node. */
  public boolean hasActualRows() {
    return actualRows >= 0;
  }

  @Override
  public String toString() {
    return rel.getRelTypeName() + "[" + execNodeId + "] " + scope + " rows=" + actualRows
        + " planned=" + plannedRows + " flink=" + flinkRows
        + (Double.isNaN(selfMillis) ? "" : " selfMs=" + selfMillis);
  }
}
