package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.EngineCorrections;
import java.util.Objects;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The factors by which {@link FlinkMdRowCount} and {@link FlinkMdNonCumulativeCost} multiply
 * Flink's own estimates, node by node: a runtime's {@link EngineCorrections} in production
 * ({@link #of}), a recording or fixed correction in this module's tests.
 *
 * <p>Called inside Flink's planner for every node of a corrected class whose metadata the planner
 * asks for (results are cached per query by Calcite). {@code mq} is the planner's metadata
 * query: asking it about the node's inputs returns their corrected estimates. A factor must be
 * finite and positive; any other value, or an exception, makes the handler answer Flink's
 * estimate unchanged (counted and logged once, see {@link FlinkMetadata#fallbacks()}).
 */
interface FlinkCorrection {
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

  /** The learned runtime's factors in one mode (they follow its regression guard). */
  static FlinkCorrection of(EngineCorrections corrections) {
    Objects.requireNonNull(corrections, "corrections");
    return new FlinkCorrection() {
      @Override
      public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
        return corrections.rowFactor(rel, mq, baseRows);
      }

      @Override
      public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
        return corrections.costFactor(rel, mq, baseCost);
      }

      @Override
      public String toString() {
        return corrections.toString();
      }
    };
  }

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
