package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.PlanChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One statement run by {@link FlinkInstallation#run}: the job, its times, the regression guard's
 * choice and its executed plan, as Flink's metrics measured it and as the runtime learns from it.
 *
 * @param sql the statement
 * @param jobId the Flink job id
 * @param planningNanos time to parse, optimize and compile the plan
 * @param executionNanos time from submitting the job until it finished
 * @param choice how the regression guard had the statement planned
 * @param root the executed plan (the sink at the top), node by node as Flink ran it
 * @param executed what was handed to {@code runtime.learn}: the same nodes with the planner's
 *     beliefs; {@link ExecutedPlan#explain()} is EXPLAIN ANALYZE
 */
public record FlinkExecution(String sql, String jobId, long planningNanos, long executionNanos,
    PlanChoice choice, FlinkPlanNode root, ExecutedPlan executed) {
  /** Creates an execution. */
  public FlinkExecution {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(choice, "choice");
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(executed, "executed");
  }

  /** Every node of the plan, parents before children (pre-order). */
  public List<FlinkPlanNode> nodes() {
    List<FlinkPlanNode> out = new ArrayList<>();
    addAll(root, out);
    return out;
  }

  private static void addAll(FlinkPlanNode n, List<FlinkPlanNode> out) {
    out.add(n);
    for (FlinkPlanNode c : n.children()) {
      addAll(c, out);
    }
  }

  /** The plan as indented text, one node a line, with Flink's measurements. */
  public String explain() {
    StringBuilder sb = new StringBuilder();
    explain(root, 0, sb);
    return sb.toString();
  }

  private static void explain(FlinkPlanNode n, int depth, StringBuilder sb) {
    sb.append("  ".repeat(depth)).append(n).append('\n');
    for (FlinkPlanNode c : n.children()) {
      explain(c, depth + 1, sb);
    }
  }
}
