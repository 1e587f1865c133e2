package dev.learnedcost.calcite.internal;

import dev.learnedcost.calcite.LoraCostFactory;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.LoraMetadataProvider;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.rex.RexBuilder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The {@code jdbc:calcite:} statement preparer with the learned model: every cluster it creates
 * answers metadata through the model, and every planner uses {@link LoraCostFactory}. Not part of
 * the API: use {@code LoraCalcite.driver(model)} or {@code LoraDriver}.
 */
public final class LoraPrepare extends CalcitePrepareImpl {
  private final LoraCostModel model;

  /** Creates a preparer for a model. */
  public LoraPrepare(LoraCostModel model) {
    this.model = model;
  }

  @Override
  protected RelOptCluster createCluster(RelOptPlanner planner, RexBuilder rexBuilder) {
    RelOptCluster cluster = super.createCluster(planner, rexBuilder);
    LoraMetadataProvider.install(cluster, model);
    return cluster;
  }

  @Override
  protected RelOptPlanner createPlanner(
      CalcitePrepare.Context prepareContext, org.apache.calcite.plan.@Nullable Context externalContext,
      @Nullable RelOptCostFactory costFactory) {
    return super.createPlanner(prepareContext, externalContext,
        costFactory == null ? LoraCostFactory.INSTANCE : costFactory);
  }
}
