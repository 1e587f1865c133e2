package dev.learnedcost.calcite.flink;

import java.util.Objects;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalCalc;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalHashAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalHashJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalHashAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalSortAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalNestedLoopJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSort;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortMergeJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalTableSourceScan;

/**
 * A node's own cost inside Flink's planner: Flink's own cost times
 * {@link FlinkCorrection#costFactor}, through {@link RelOptCost#multiplyBy}, so that the cost
 * stays Flink's {@code FlinkCost} (its {@code plus} and {@code isLe} cast the other cost to
 * {@code FlinkCost}: a cost of another class fails there).
 *
 * <p>Declares one method per batch physical class it corrects (the classes of
 * {@link FlinkMdRowCount}'s physical methods); every other node keeps Flink's cost. Flink's
 * {@code FlinkRelMdNonCumulativeCost} declares only the catch-all, so these win by
 * specificity. Public because Janino-generated code calls it.
 */
public final class FlinkMdNonCumulativeCost
    implements MetadataHandler<BuiltInMetadata.NonCumulativeCost> {
  private final BuiltInMetadata.NonCumulativeCost.Handler flink;
  private final FlinkCorrection correction;
  private final CorrectionFallbacks fallbacks;

  FlinkMdNonCumulativeCost(BuiltInMetadata.NonCumulativeCost.Handler flink,
      FlinkCorrection correction, CorrectionFallbacks fallbacks) {
    this.flink = Objects.requireNonNull(flink, "flink");
    this.correction = Objects.requireNonNull(correction, "correction");
    this.fallbacks = Objects.requireNonNull(fallbacks, "fallbacks");
  }

  @Override
  public MetadataDef<BuiltInMetadata.NonCumulativeCost> getDef() {
    return BuiltInMetadata.NonCumulativeCost.DEF;
  }

  private RelOptCost corrected(RelNode rel, RelMetadataQuery mq) {
    RelOptCost base = flink.getNonCumulativeCost(rel, mq);
    if (base == null) {
      return null;
    }
    double factor = fallbacks.factor("cost", rel, () -> correction.costFactor(rel, mq, base));
    return factor == 1.0 ? base : base.multiplyBy(factor);
  }

  /** Flink's cost of a BatchPhysicalTableSourceScan, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalTableSourceScan rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalCalc, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalCalc rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalHashJoin, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalHashJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalSortMergeJoin, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalSortMergeJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalNestedLoopJoin, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalNestedLoopJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalHashAggregate, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalHashAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalSortAggregate, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalSortAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalLocalHashAggregate, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalLocalHashAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalLocalSortAggregate, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalLocalSortAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalSort, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalSort rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalSortLimit, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalSortLimit rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's cost of a BatchPhysicalLimit, corrected. */
  public RelOptCost getNonCumulativeCost(BatchPhysicalLimit rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }
}
