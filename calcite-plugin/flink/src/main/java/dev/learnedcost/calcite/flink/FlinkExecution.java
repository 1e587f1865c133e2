package dev.learnedcost.calcite.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One statement run by {@link FlinkInstallation#run}: the job, its times and its executed plan.
 *
 * @param sql the statement
 * @param jobId the Flink job id
 * @param planningNanos time to parse, optimize and compile the plan
 * @param executionNanos time from submitting the job until it finished
 * @param root the executed plan (the sink at the top)
 */
public record FlinkExecution(String sql, String jobId, long planningNanos, long executionNanos,
    FlinkPlanNode root) {
  /** Creates an execution. */
  public FlinkExecution {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(root, "root");
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

  /** The plan as indented text, one node a line. */
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
