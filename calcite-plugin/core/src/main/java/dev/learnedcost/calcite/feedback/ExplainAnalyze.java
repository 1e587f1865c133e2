package dev.learnedcost.calcite.feedback;

import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.profile.ExecutionActuals;
import dev.learnedcost.calcite.profile.OperatorActuals;
import dev.learnedcost.calcite.profile.PlanProfile;
import dev.learnedcost.engine.OperatorScope;
import java.util.Locale;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The executed plan with the planner's beliefs and what happened, side by side: per node its
 * scope, the stock row estimate, the model's row estimate, the actual rows (per enumeration),
 * the q-error of each estimate ({@code max(est/actual, actual/est)}, rows floored at 1), and
 * its self and inclusive time; {@code truncated} marks a node whose consumer stopped pulling
 * before its end (its actual rows are then a lower bound).
 *
 * <pre>
 * EnumerableHashJoin  [HashJoin]  rows stock 1500 learned 1.5e+04 actual 1.5e+04 (q 10.0 -> 1.00)  self 3.1 ms  total 9.8 ms
 *   JdbcToEnumerableConverter  [SeqScan]  rows stock 100 learned 1.5e+04 actual 1.5e+04 (q 150 -> 1.00)  self 5.2 ms  total 5.2 ms
 * </pre>
 *
 * The learned estimates are the model's now, which may already include what this execution
 * taught it.
 */
public final class ExplainAnalyze {
  private ExplainAnalyze() {}

  /** Returns the printout of one execution. */
  public static String print(ExecutionActuals actuals, LoraCostModel model) {
    PlanProfile p = actuals.profile();
    RelMetadataQuery stock = new RelMetadataQuery(JaninoRelMetadataProvider.DEFAULT);
    RelMetadataQuery learned = new RelMetadataQuery(model.metadataProvider());
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "executed in %.3f ms%s, model mode %s%n",
        actuals.wallNanos() / 1e6, actuals.complete() ? "" : " (closed early)",
        model.config().mode()));
    print(p, 0, 0, actuals, model, stock, learned, sb);
    return sb.toString();
  }

  private static void print(PlanProfile p, int node, int depth, ExecutionActuals actuals,
      LoraCostModel model, RelMetadataQuery stock, RelMetadataQuery learned, StringBuilder sb) {
    RelNode rel = p.nodes().get(node);
    OperatorActuals a = actuals.of(node);
    OperatorScope scope = model.scopeResolver().resolve(rel);
    double opens = Math.max(1, a.opens());
    double actualRows = a.rows() / opens;
    Double stockRows = stock.getRowCount(rel);
    Double learnedRows = learned.getRowCount(rel);
    sb.append("  ".repeat(depth)).append(rel.getRelTypeName())
        .append("  [").append(scope == null ? "-" : scope.displayName()).append("]  rows stock ")
        .append(num(stockRows)).append(" learned ").append(num(learnedRows))
        .append(" actual ").append(num(actualRows))
        .append(" (q ").append(num(qError(stockRows, actualRows))).append(" -> ")
        .append(num(qError(learnedRows, actualRows))).append(')')
        .append(String.format(Locale.ROOT, "  self %.3f ms  total %.3f ms", a.selfMs(),
            a.inclusiveMs()));
    if (a.truncated()) {
      // The consumer stopped pulling: the actual rows are what it asked for (a lower bound).
      sb.append("  truncated");
    }
    if (a.opens() > 1) {
      sb.append("  opened ").append(a.opens()).append('x');
    }
    sb.append('\n');
    for (int child : p.children(node)) {
      print(p, child, depth + 1, actuals, model, stock, learned, sb);
    }
  }

  /** {@code max(est/actual, actual/est)} with both floored at 1 row; NaN without an estimate. */
  static double qError(Double estimate, double actual) {
    if (estimate == null || estimate.isNaN()) {
      return Double.NaN;
    }
    double e = Math.max(estimate, 1);
    double t = Math.max(actual, 1);
    return Math.max(e / t, t / e);
  }

  private static String num(Double v) {
    if (v == null || v.isNaN()) {
      return "?";
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
