package dev.learnedcost.calcite.vector;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The part {@link Rerank} and {@link VectorTopK} share: one input, at most {@link #k()} output
 * rows. Not {@code SingleRel}: Calcite's row-count handler gives a {@code SingleRel} its input's
 * rows, and these return {@code min(k, input rows)}.
 */
abstract class TopKRel extends AbstractRelNode implements EnumerableRel {
  private RelNode input;
  private final int k;

  /**
   * @throws IllegalArgumentException if {@code k < 1}
   */
  TopKRel(RelOptCluster cluster, RelTraitSet traits, RelNode input, int k) {
    super(cluster, traits);
    if (k < 1) {
      throw new IllegalArgumentException(getClass().getSimpleName() + ": k must be >= 1, got "
          + k);
    }
    this.input = input;
    this.k = k;
  }

  /** Returns k, the most rows this node returns. */
  public final int k() {
    return k;
  }

  /** Returns the input. */
  final RelNode input() {
    return input;
  }

  @Override
  public final List<RelNode> getInputs() {
    return List.of(input);
  }

  @Override
  public final void replaceInput(int ordinalInParent, RelNode p) {
    if (ordinalInParent != 0) {
      throw new IndexOutOfBoundsException(getClass().getSimpleName()
          + " has one input, got ordinal " + ordinalInParent);
    }
    this.input = p;
    recomputeDigest();
  }

  @Override
  public final double estimateRowCount(RelMetadataQuery mq) {
    Double in = mq.getRowCount(input);
    return Math.min(k, in == null ? k : in);
  }
}
