package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import java.util.Locale;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * A plan printout with, per node: its scope, the stock rows and cost, the model's corrections
 * and the learned rows and cost.
 *
 * <pre>
 * EnumerableHashJoin(condition=[=($0, $9)], joinType=[inner])  [HashJoin]
 *     rows 100 x1 = 100; cost 215 x50 = 10750
 *   JdbcToEnumerableConverter  [SeqScan]
 *     rows 100 x1 = 100; cost 10 x1 = 10
 * </pre>
 *
 * Base values come from stock Calcite metadata; corrections are what the model computes for
 * each node whatever the mode (so a SHADOW model shows what it would do), with the inputs' row
 * counts as the model's metadata gives them in the current mode. Costs print as
 * {@link LoraCost#valueOf(RelOptCost) weighted values}.
 */
public final class LoraExplain {
  private LoraExplain() {}

  /** Returns the printout of the plan rooted at {@code root}. */
  public static String explain(RelNode root, LoraCostModel model) {
    RelMetadataQuery stock = new RelMetadataQuery(JaninoRelMetadataProvider.DEFAULT);
    RelMetadataQuery learned = new RelMetadataQuery(model.metadataProvider());
    StringBuilder sb = new StringBuilder();
    sb.append("mode=").append(model.config().mode()).append('\n');
    print(root, 0, model, stock, learned, sb);
    return sb.toString();
  }

  private static void print(
      RelNode rel, int depth, LoraCostModel model, RelMetadataQuery stock,
      RelMetadataQuery learned, StringBuilder sb) {
    String indent = "  ".repeat(depth);
    OperatorScope scope = model.correctedScope(rel);
    sb.append(indent).append(rel.getRelTypeName()).append('#').append(rel.getId())
        .append("  [").append(scope == null ? "-" : scope.name()).append("]\n");
    Double baseRows = stock.getRowCount(rel);
    RelOptCost baseCost = stock.getNonCumulativeCost(rel);
    double rowFactor = 1.0;
    double costFactor = 1.0;
    if (scope != null && baseRows != null) {
      rowFactor = model.correction(scope, model.embed(rel, learned, baseRows))[0];
      Double learnedRows = learned.getRowCount(rel);
      costFactor = model.correction(scope,
          model.embed(rel, learned, learnedRows == null ? baseRows : learnedRows))[1];
    }
    double cost = baseCost == null ? Double.NaN : LoraCost.valueOf(baseCost);
    sb.append(indent).append("    rows ").append(num(baseRows == null ? Double.NaN : baseRows))
        .append(" x").append(num(rowFactor)).append(" = ")
        .append(num(baseRows == null ? Double.NaN : baseRows * rowFactor))
        .append("; cost ").append(num(cost)).append(" x").append(num(costFactor))
        .append(" = ").append(num(cost * costFactor)).append('\n');
    for (RelNode input : rel.getInputs()) {
      print(input, depth + 1, model, stock, learned, sb);
    }
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    if (Double.isInfinite(v)) {
      return "inf";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
