package dev.learnedcost.calcite.vector;

import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;

/**
 * A {@link VectorIndexScan} through a {@link VectorIndex.Kind#HNSW} index; its scope is
 * {@code HnswScan}.
 */
public final class HnswScan extends VectorIndexScan {
  HnswScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table, VectorIndex index,
      float[] query, int candidates, double estimatedRows) {
    super(cluster, traits, table, index, query, candidates, estimatedRows);
    if (index.kind() != VectorIndex.Kind.HNSW) {
      throw new IllegalArgumentException("HnswScan needs a HNSW index, got " + index.describe());
    }
  }
}
