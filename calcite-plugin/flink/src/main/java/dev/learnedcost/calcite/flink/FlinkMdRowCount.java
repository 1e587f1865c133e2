package dev.learnedcost.calcite.flink;

import java.util.Objects;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalCalc;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalAggregate;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalCalc;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalJoin;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalSort;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalTableSourceScan;
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
 * Row count inside Flink's planner: Flink's own estimate times {@link FlinkCorrection#rowCountFactor}.
 *
 * <p>Calcite dispatches a metadata call to the handler that declares the most specific class of
 * the node (chain order only breaks ties), and Flink's {@code FlinkRelMdRowCount} declares many
 * Flink classes ({@code BatchPhysicalGroupAggregateBase}, {@code Rank}, {@code Expand}, ...):
 * a handler for Calcite's {@code Aggregate} or {@code RelNode} would never see Flink's nodes.
 * This handler therefore declares one method per concrete class it corrects, so that it wins
 * by specificity, not by chain order: Calcite's logical scan, filter, calc, join, aggregate and
 * sort (seen by the rewrite programs before Flink's logical phase, join reordering included),
 * their {@code FlinkLogical*} counterparts (whose row counts decide the physical choices, the
 * broadcast threshold among them) and the batch physical scan, calc, hash / sort-merge /
 * nested-loop joins, hash and sort aggregates (local and global), sort, sort-limit and limit.
 * Every other node keeps Flink's estimate.
 *
 * <p>The base is Flink's own answer ({@link FlinkMetadata#flinkRowCount()}), which Flink computes
 * over the inputs' estimates from the planner's query, that is over the corrected inputs. It is
 * not {@code RelMdRowCount}'s: Calcite's default estimate differs from Flink's for most nodes.
 *
 * <p>Public because Janino-generated code calls it; built by {@link FlinkMetadata#handlers}.
 */
public final class FlinkMdRowCount implements MetadataHandler<BuiltInMetadata.RowCount> {
  private final BuiltInMetadata.RowCount.Handler flink;
  private final FlinkCorrection correction;
  private final CorrectionFallbacks fallbacks;

  FlinkMdRowCount(BuiltInMetadata.RowCount.Handler flink, FlinkCorrection correction,
      CorrectionFallbacks fallbacks) {
    this.flink = Objects.requireNonNull(flink, "flink");
    this.correction = Objects.requireNonNull(correction, "correction");
    this.fallbacks = Objects.requireNonNull(fallbacks, "fallbacks");
  }

  @Override
  public MetadataDef<BuiltInMetadata.RowCount> getDef() {
    return BuiltInMetadata.RowCount.DEF;
  }

  private Double corrected(RelNode rel, RelMetadataQuery mq) {
    Double base = flink.getRowCount(rel, mq);
    if (base == null) {
      return null;
    }
    double factor = fallbacks.factor("row count", rel,
        () -> correction.rowCountFactor(rel, mq, base));
    return factor == 1.0 ? base : base * factor;
  }

  /** Flink's estimate for a LogicalTableScan, corrected. */
  public Double getRowCount(LogicalTableScan rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a LogicalFilter, corrected. */
  public Double getRowCount(LogicalFilter rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a LogicalCalc, corrected. */
  public Double getRowCount(LogicalCalc rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a LogicalJoin, corrected. */
  public Double getRowCount(LogicalJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a LogicalAggregate, corrected. */
  public Double getRowCount(LogicalAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a LogicalSort, corrected. */
  public Double getRowCount(LogicalSort rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a FlinkLogicalTableSourceScan, corrected. */
  public Double getRowCount(FlinkLogicalTableSourceScan rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a FlinkLogicalCalc, corrected. */
  public Double getRowCount(FlinkLogicalCalc rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a FlinkLogicalJoin, corrected. */
  public Double getRowCount(FlinkLogicalJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a FlinkLogicalAggregate, corrected. */
  public Double getRowCount(FlinkLogicalAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a FlinkLogicalSort, corrected. */
  public Double getRowCount(FlinkLogicalSort rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalTableSourceScan, corrected. */
  public Double getRowCount(BatchPhysicalTableSourceScan rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalCalc, corrected. */
  public Double getRowCount(BatchPhysicalCalc rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalHashJoin, corrected. */
  public Double getRowCount(BatchPhysicalHashJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalSortMergeJoin, corrected. */
  public Double getRowCount(BatchPhysicalSortMergeJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalNestedLoopJoin, corrected. */
  public Double getRowCount(BatchPhysicalNestedLoopJoin rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalHashAggregate, corrected. */
  public Double getRowCount(BatchPhysicalHashAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalSortAggregate, corrected. */
  public Double getRowCount(BatchPhysicalSortAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalLocalHashAggregate, corrected. */
  public Double getRowCount(BatchPhysicalLocalHashAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalLocalSortAggregate, corrected. */
  public Double getRowCount(BatchPhysicalLocalSortAggregate rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalSort, corrected. */
  public Double getRowCount(BatchPhysicalSort rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalSortLimit, corrected. */
  public Double getRowCount(BatchPhysicalSortLimit rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }

  /** Flink's estimate for a BatchPhysicalLimit, corrected. */
  public Double getRowCount(BatchPhysicalLimit rel, RelMetadataQuery mq) {
    return corrected(rel, mq);
  }
}
