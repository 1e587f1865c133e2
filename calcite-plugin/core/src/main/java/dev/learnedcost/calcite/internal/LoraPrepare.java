package dev.learnedcost.calcite.internal;

import dev.learnedcost.calcite.LoraCostFactory;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.LoraMetadataProvider;
import dev.learnedcost.calcite.feedback.FeedbackLoop;
import java.lang.reflect.Type;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The {@code jdbc:calcite:} statement preparer with the learned model: every cluster it creates
 * answers metadata through the model, and every planner uses {@link LoraCostFactory}. Not part of
 * the API: use {@code LoraCalcite.driver(model)} or {@code LoraDriver}.
 */
public final class LoraPrepare extends CalcitePrepareImpl {
  private final LoraCostModel model;
  private final @Nullable FeedbackLoop loop;

  /** Creates a preparer for a model. */
  public LoraPrepare(LoraCostModel model) {
    this.model = model;
    this.loop = null;
  }

  /**
   * Creates a preparer that also learns: every SQL statement is planned inside
   * {@link FeedbackLoop#beginQuery} (the guard chooses stock or learned costs) and its plan is
   * profiled for the loop.
   */
  public LoraPrepare(FeedbackLoop loop) {
    this.model = loop.model();
    this.loop = loop;
  }

  @Override
  public <T> CalciteSignature<T> prepareSql(
      Context context, Query<T> query, Type elementType, long maxRowCount) {
    FeedbackLoop l = loop;
    if (l == null || query.sql == null || isExplain(query.sql)) {
      return super.prepareSql(context, query, elementType, maxRowCount);
    }
    Program profiler = l.program();
    try (FeedbackLoop.QueryScope ignored = l.beginQuery(query.sql);
        Hook.Closeable hook = Hook.PROGRAM.addThread((Holder<@Nullable Program> h) -> {
          Program base = h.get() != null ? h.get() : Programs.standard();
          h.set(Programs.sequence(base, profiler));
        })) {
      return super.prepareSql(context, query, elementType, maxRowCount);
    }
  }

  /**
   * EXPLAIN is planned with the learned model and bypasses the guard: it does not execute, so it
   * has no latency to record, and it must not use up a query's stock baseline.
   */
  private static boolean isExplain(String sql) {
    String s = sql.stripLeading();
    return s.regionMatches(true, 0, "EXPLAIN", 0, 7);
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
        costFactory == null && !model.isStockPlanning() ? LoraCostFactory.INSTANCE : costFactory);
  }
}
