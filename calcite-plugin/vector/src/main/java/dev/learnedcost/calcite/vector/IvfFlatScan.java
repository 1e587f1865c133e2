package dev.learnedcost.calcite.vector;

import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;

/**
 * A {@link VectorIndexScan} through a {@link VectorIndex.Kind#IVF_FLAT} index; its scope is
 * {@code IvfFlatScan}.
 */
public final class IvfFlatScan extends VectorIndexScan {
  IvfFlatScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, VectorIndex index,
      float[] query, int candidates, double estimatedRows) {
    super(cluster, traits, table, index, query, candidates, estimatedRows);
    if (index.kind() != VectorIndex.Kind.IVF_FLAT) {
      throw new IllegalArgumentException("IvfFlatScan needs a IVF_FLAT index, got " + index.describe());
    }
  }
}
