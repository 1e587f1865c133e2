package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.LoraRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.planner.plan.nodes.FlinkRelNode;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalExchange;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalHashAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalSortAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortLimit;

/**
 * Maps the operator metrics of a finished job back to the optimized physical plan.
 *
 * <p>Three steps. (1) Physical node to exec node: Flink translates every batch physical node to
 * one exec node whose description is the node's {@code getRelDetailedDescription()}; the
 * optimized plan and the compiled plan's graph are walked side by side, input by input, and
 * every pair must agree on that description. An exec exchange with no physical counterpart
 * (added by Flink's exec graph processors) is stepped over. (2) Exec node to operators: the
 * running operators are named after their exec node ({@code HashJoin[6]}, {@code Source:
 * fact[1]}, {@code sink[11]: Writer}); the last {@code [id]} in a name is the node id. A node's
 * rows are its operator's {@code numRecordsOut} summed over subtasks (a sink's: its
 * {@code numRecordsIn}). (3) Folding: exchanges, local aggregates and the local half of a
 * sort-limit or limit pair are folded into the nearest kept node above them.
 */
final class PlanActuals {
  private static final Pattern EXEC_ID = Pattern.compile("\\[(\\d+)]");

  private final IdentityHashMap<RelNode, ExecGraph.Node> execOf = new IdentityHashMap<>();
  private final Map<Integer, List<OperatorMetricsStore.Operator>> operatorsOf = new HashMap<>();
  private final Map<String, Set<Integer>> execIdsOfTask = new HashMap<>();
  private final OperatorMetricsStore.JobMetrics metrics;

  private final Map<RelNode, double[]> estimates;

  private PlanActuals(OperatorMetricsStore.JobMetrics metrics, Map<RelNode, double[]> estimates) {
    this.metrics = metrics;
    this.estimates = estimates;
    for (OperatorMetricsStore.Operator op : metrics.operators.values()) {
      int id = execId(op.name);
      if (id >= 0) {
        operatorsOf.computeIfAbsent(id, k -> new ArrayList<>()).add(op);
        execIdsOfTask.computeIfAbsent(op.taskId, k -> new HashSet<>()).add(id);
      }
    }
  }

  /**
   * Maps a job's metrics to its optimized plan.
   *
   * @param estimates per physical node (by identity): the planner's row estimate and Flink's own
   */
  static FlinkPlanNode map(RelNode root, ExecGraph graph,
      OperatorMetricsStore.JobMetrics metrics, Map<RelNode, double[]> estimates) {
    if (graph.roots().size() != 1) {
      throw new IllegalStateException("expected one sink in the compiled plan, got "
          + graph.roots().size());
    }
    PlanActuals p = new PlanActuals(metrics, estimates);
    p.match(root, graph.roots().get(0));
    return p.build(root);
  }

  /** The exec node id in an operator name: the last {@code [digits]}, or -1. */
  static int execId(String operatorName) {
    Matcher m = EXEC_ID.matcher(operatorName);
    int id = -1;
    while (m.find()) {
      id = Integer.parseInt(m.group(1));
    }
    return id;
  }

  static String description(RelNode rel) {
    return rel instanceof FlinkRelNode f ? f.getRelDetailedDescription() : rel.toString();
  }

  private void match(RelNode rel, ExecGraph.Node exec) {
    String want = description(rel);
    ExecGraph.Node node = exec;
    while (!node.description().equals(want) && node.isExchange() && node.inputs().size() == 1
        && !(rel instanceof BatchPhysicalExchange)) {
      node = node.inputs().get(0);
    }
    if (!node.description().equals(want)) {
      throw new IllegalStateException("the executed plan does not match the optimized plan: "
          + "exec node " + node.id() + " is " + node.description() + ", expected " + want);
    }
    ExecGraph.Node seen = execOf.put(rel, node);
    if (seen != null && seen != node) {
      throw new IllegalStateException("plan node " + want + " matches exec nodes " + seen.id()
          + " and " + node.id());
    }
    List<RelNode> inputs = rel.getInputs();
    if (inputs.size() != node.inputs().size()) {
      throw new IllegalStateException("plan node " + want + " has " + inputs.size()
          + " inputs, its exec node " + node.id() + " has " + node.inputs().size());
    }
    for (int i = 0; i < inputs.size(); i++) {
      match(inputs.get(i), node.inputs().get(i));
    }
  }

  private FlinkPlanNode build(RelNode rel) {
    List<FlinkPlanNode> children = new ArrayList<>();
    List<RelNode> folded = new ArrayList<>();
    for (RelNode input : rel.getInputs()) {
      collect(rel, input, children, folded);
    }
    ExecGraph.Node exec = execOf.get(rel);
    double[] estimate = estimates.getOrDefault(rel, new double[] {Double.NaN, Double.NaN});
    return new FlinkPlanNode(rel, LoraRuntime.scopeOf(rel), exec.id(), estimate[0], estimate[1],
        rows(exec), selfMillis(exec), false, folded, children);
  }

  private void collect(RelNode kept, RelNode input, List<FlinkPlanNode> children,
      List<RelNode> folded) {
    if (isFolded(kept, input)) {
      folded.add(input);
      for (RelNode below : input.getInputs()) {
        collect(kept, below, children, folded);
      }
    } else {
      children.add(build(input));
    }
  }

  /** Whether {@code input} is folded into {@code kept}, the nearest kept node above it. */
  private static boolean isFolded(RelNode kept, RelNode input) {
    return input instanceof BatchPhysicalExchange
        || input instanceof BatchPhysicalLocalHashAggregate
        || input instanceof BatchPhysicalLocalSortAggregate
        || input instanceof BatchPhysicalLimit l && !l.isGlobal()
        || input instanceof BatchPhysicalSortLimit && kept instanceof BatchPhysicalSortLimit;
  }

  private long rows(ExecGraph.Node exec) {
    List<OperatorMetricsStore.Operator> ops = operatorsOf.get(exec.id());
    if (ops == null) {
      return -1;
    }
    String plain = "[" + exec.id() + "]";
    long rows = -1;
    boolean anyPlain = ops.stream().anyMatch(op -> op.name.endsWith(plain));
    for (OperatorMetricsStore.Operator op : ops) {
      if (anyPlain && !exec.isSink() && !op.name.endsWith(plain)) {
        continue;
      }
      long r = exec.isSink() ? op.recordsIn.sum() : op.recordsOut.sum();
      rows = Math.max(rows, r);
    }
    return rows;
  }

  /** The busy time of the node's task, if the task runs no other exec node with operators. */
  private double selfMillis(ExecGraph.Node exec) {
    List<OperatorMetricsStore.Operator> ops = operatorsOf.get(exec.id());
    if (ops == null) {
      return Double.NaN;
    }
    Set<String> tasks = new HashSet<>();
    for (OperatorMetricsStore.Operator op : ops) {
      tasks.add(op.taskId);
    }
    if (tasks.size() != 1) {
      return Double.NaN;
    }
    String task = tasks.iterator().next();
    OperatorMetricsStore.Task t = metrics.tasks.get(task);
    if (t == null || execIdsOfTask.get(task).size() != 1) {
      return Double.NaN;
    }
    return t.busyMillis.sum();
  }
}
