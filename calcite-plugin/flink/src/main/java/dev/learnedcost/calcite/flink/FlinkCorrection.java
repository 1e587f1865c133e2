package dev.learnedcost.calcite.flink;

import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The factors by which the plugin's handlers multiply Flink's own estimates, node by node.
 *
 * <p>Called by {@link FlinkMdRowCount} and {@link FlinkMdNonCumulativeCost} inside Flink's
 * planner, for every node of a corrected class whose metadata the planner asks for (results are
 * cached per query by Calcite). {@code mq} is the planner's metadata query: asking it about the
 * node's inputs returns their corrected estimates. A factor must be finite and positive; any
 * other value, or an exception, makes the handler answer Flink's estimate unchanged (counted and
 * logged once, see {@link FlinkMetadata#fallbacks()}).
 *
 * <p>This is the seam where the learned runtime plugs in: a correction that embeds the node,
 * runs its scope's adapter and returns {@code exp(delta)}.
 */
public interface FlinkCorrection {
  /** No correction: every factor is 1, so the planner sees exactly Flink's estimates. */
  FlinkCorrection NONE = new FlinkCorrection() {
    @Override
    public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
      return 1.0;
    }

    @Override
    public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
      return 1.0;
    }

    @Override
    public String toString() {
      return "FlinkCorrection.NONE";
    }
  };

  /**
   * Returns the factor for {@code rel}'s row count.
   *
   * @param rel the node (a Flink logical or batch physical node of a corrected class)
   * @param mq the planner's metadata query
   * @param baseRows Flink's own estimate, computed over the inputs' corrected estimates
   * @return a finite factor greater than 0; 1 leaves Flink's estimate unchanged
   */
  double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows);

  /**
   * Returns the factor for {@code rel}'s own (non-cumulative) cost.
   *
   * @param rel the node (a Flink batch physical node of a corrected class)
   * @param mq the planner's metadata query
   * @param baseCost Flink's own cost of the node ({@code FlinkCost}), computed with the
   *     corrected row counts
   * @return a finite factor greater than 0; 1 leaves Flink's cost unchanged
   */
  double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost);
}
