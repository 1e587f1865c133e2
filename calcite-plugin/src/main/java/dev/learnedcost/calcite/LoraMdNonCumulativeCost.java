package dev.learnedcost.calcite;

import java.util.Objects;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Learned {@code NonCumulativeCost}: the node's own {@code computeSelfCost} (what the stock
 * handler returns), multiplied by the model's cost correction for its scope. Multiplying scales
 * rows, cpu and io alike, so the correction counts under {@link LoraCost}'s weighted comparison
 * and under {@code VolcanoCost}'s rows-only one.
 *
 * <p>Public because Janino-generated code calls it; built by {@link LoraMetadataProvider}.
 */
public final class LoraMdNonCumulativeCost
    implements MetadataHandler<BuiltInMetadata.NonCumulativeCost> {
  private final LoraCostModel model;

  /** Creates the handler for a model. */
  public LoraMdNonCumulativeCost(LoraCostModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public MetadataDef<BuiltInMetadata.NonCumulativeCost> getDef() {
    return BuiltInMetadata.NonCumulativeCost.DEF;
  }

  /** Catch-all: every node's self cost, corrected. */
  public @Nullable RelOptCost getNonCumulativeCost(RelNode rel, RelMetadataQuery mq) {
    RelOptCost base = rel.computeSelfCost(rel.getCluster().getPlanner(), mq);
    if (base == null || base.isInfinite()) {
      return base;
    }
    double f = model.costFactor(rel, mq, LoraCost.valueOf(base));
    return f == 1.0 ? base : base.multiplyBy(f);
  }
}
