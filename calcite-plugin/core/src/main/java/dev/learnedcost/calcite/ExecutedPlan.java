package dev.learnedcost.calcite;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One execution of a plan, as the engine that ran it saw it: the executed nodes (with the
 * planner's beliefs) and the query's latency. Handed to {@link LoraRuntime#learn(ExecutedPlan)},
 * which trains the model on every node and, when the plan was made inside a
 * {@link QueryScope}, records the latency for the query's regression guard.
 *
 * <pre>{@code
 * PlanTrace trace;
 * try (QueryScope query = runtime.beginQuery(sql)) {        // the guard chooses stock or learned
 *   RelNode plan = optimize(sql, query.choice().isStock() ? LoraMode.OFF : LoraMode.ON);
 *   trace = runtime.trace(plan, LoraMode.ON);               // what the planner believed
 *   ...                                                     // close the scope when planned
 * }
 * // run the plan, then per node: rows, self time where measured, children
 * runtime.learn(new ExecutedPlan(query, trace.planHash(), rootNode, latencyMs, true));
 * }</pre>
 *
 * @param query the query scope the plan was made in, or null when the execution belongs to no
 *     guarded query (it is learned from, and the guard and the history do not see it)
 * @param planHash {@link PlanTrace#planHash()} of the executed plan: how the guard tells a
 *     learned plan from the stock plan
 * @param root the executed plan's root
 * @param latencyMs the execution's wall time in milliseconds, finite and {@code >= 0}
 * @param complete whether the result was read to its end; an execution closed early (a client
 *     that stopped, a timeout) is not learned from, and counts for the guard only when its
 *     time alone already shows a regression
 */
public record ExecutedPlan(@Nullable QueryScope query, long planHash, ExecutedNode root,
    double latencyMs, boolean complete) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code latencyMs} is negative or not finite
   */
  public ExecutedPlan {
    Objects.requireNonNull(root, "root");
    if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) {
      throw new IllegalArgumentException("latencyMs must be finite and >= 0, got " + latencyMs);
    }
  }

  /**
   * Returns the EXPLAIN ANALYZE of this execution: per node its scope, the stock, learned and
   * actual rows with the q-error of each estimate ({@code max(est/actual, actual/est)}, rows
   * floored at 1), and its self time where the engine measured it; {@code truncated} marks a
   * node whose consumer stopped reading early (its actual rows are a lower bound).
   *
   * <pre>
   * executed in 12.400 ms
   * EnumerableHashJoin#412  [HashJoin]  rows stock 1500 learned 1.5e+04 actual 1.5e+04 (q 10.0 -> 1.00)  self 3.100 ms
   *   JdbcToEnumerableConverter#398  [SeqScan]  rows stock 100 learned 1.5e+04 actual 1.5e+04 (q 150 -> 1.00)  self 5.200 ms
   * </pre>
   */
  public String explain() {
    StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
        "executed in %.3f ms%s%n", latencyMs, complete ? "" : " (closed early)"));
    explain(root, 0, sb);
    return sb.toString();
  }

  private static void explain(ExecutedNode n, int depth, StringBuilder sb) {
    NodeTrace t = n.trace();
    sb.append("  ".repeat(depth)).append(t.label()).append("  [")
        .append(t.scope() == null ? "-" : t.scope().displayName())
        .append("]  rows stock ").append(num(t.stockRows())).append(" learned ")
        .append(num(t.learnedRows())).append(" actual ").append(num(n.actualRows()))
        .append(" (q ").append(num(qError(t.stockRows(), n.actualRows()))).append(" -> ")
        .append(num(qError(t.learnedRows(), n.actualRows()))).append(')');
    if (!Double.isNaN(n.selfMs())) {
      sb.append(String.format(java.util.Locale.ROOT, "  self %.3f ms", n.selfMs()));
    }
    if (n.truncated()) {
      sb.append("  truncated");
    }
    sb.append('\n');
    for (ExecutedNode c : n.children()) {
      explain(c, depth + 1, sb);
    }
  }

  /** {@code max(est/actual, actual/est)} with both floored at 1 row; NaN without an estimate. */
  static double qError(double estimate, double actual) {
    if (Double.isNaN(estimate)) {
      return Double.NaN;
    }
    double e = Math.max(estimate, 1);
    double t = Math.max(actual, 1);
    return Math.max(e / t, t / e);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "?" : String.format(java.util.Locale.ROOT, "%.3g", v);
  }
}
