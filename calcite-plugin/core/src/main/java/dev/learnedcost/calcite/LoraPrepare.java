package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.LoraCostFactory;
import java.lang.reflect.Type;
import java.util.Objects;
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
 * The {@code jdbc:calcite:} statement preparer of a connection that plans with a runtime's
 * model: every cluster it creates answers metadata through the model in the connection's mode,
 * every planner uses the plugin's cost factory, and, on a learning connection, every SQL
 * statement is planned inside {@link LoraRuntime#beginQuery} and profiled. One per statement
 * (Calcite asks the driver's prepare factory each time).
 */
final class LoraPrepare extends CalcitePrepareImpl {
  private final LoraRuntime runtime;
  private final Binding binding;
  private final boolean learn;

  /**
   * A preparer of one statement with the runtime it plans with, resolved when Calcite asks the
   * driver's prepare factory (a closed user-owned runtime fails here, see
   * {@link LoraRuntime#driver}; the URL driver's lease moves to the name's open runtime). A
   * runtime closed while the statement is being planned does not fail it: the model stays
   * readable, and the execution's feedback is dropped and counted.
   */
  LoraPrepare(LoraRuntime runtime, LoraMode mode, boolean learn) {
    this(runtime, runtime.binding(mode), learn);
  }

  /** A preparer with a binding of its own (tests: a binding that captures every correction). */
  LoraPrepare(LoraRuntime runtime, Binding binding, boolean learn) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.binding = Objects.requireNonNull(binding, "binding");
    this.learn = learn;
  }

  @Override
  public <T> CalciteSignature<T> prepareSql(
      Context context, Query<T> query, Type elementType, long maxRowCount) {
    if (query.sql == null || isExplain(query.sql)) {
      return super.prepareSql(context, query, elementType, maxRowCount);
    }
    if (!learn) {
      try (LoraRuntime.StockPlanning ignored = runtime.followGuard(query.sql)) {
        return super.prepareSql(context, query, elementType, maxRowCount);
      }
    }
    Program profiler = runtime.profilingProgram(binding.mode(), true);
    try (QueryScope ignored = runtime.beginQuery(query.sql);
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
    runtime.installOn(cluster, binding);
    return cluster;
  }

  @Override
  protected RelOptPlanner createPlanner(
      CalcitePrepare.Context prepareContext,
      org.apache.calcite.plan.@Nullable Context externalContext,
      @Nullable RelOptCostFactory costFactory) {
    return super.createPlanner(prepareContext, externalContext,
        costFactory == null && !runtime.isStockPlanning() ? LoraCostFactory.INSTANCE
            : costFactory);
  }
}
