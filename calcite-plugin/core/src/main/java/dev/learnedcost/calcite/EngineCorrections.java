package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.LoraCost;
import dev.learnedcost.calcite.internal.TraceCaptures;
import java.util.Objects;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The learned corrections of a {@link LoraRuntime} in one mode, for an engine's own metadata
 * handlers: the engine computes its estimate (over the planner's metadata query, so its inputs
 * are the corrected ones) and multiplies it by the factor. Engine adapters whose metadata queries
 * the runtime cannot make (Flink's) use this instead of the runtime's Calcite handlers; see
 * {@link EngineMetadata} for their traces. Thread-safe; obtained from
 * {@link LoraRuntime#engineCorrections(LoraMode)}.
 *
 * <p>Factors are 1 where no correction applies: nodes without a scope or of a disabled scope,
 * mode OFF and SHADOW (SHADOW computes and counts), and while the regression guard plans the
 * current thread's query stock ({@link QueryScope}). During a trace on this thread
 * ({@link LoraRuntime#trace(RelNode, LoraMode, EngineMetadata)}) every computed correction is
 * recorded for it. An exception inside is counted and gives factor 1, like the runtime's own
 * handlers.
 */
public final class EngineCorrections {
  private final LoraRuntime runtime;
  private final LoraMode mode;

  EngineCorrections(LoraRuntime runtime, LoraMode mode) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** Returns the mode. */
  public LoraMode mode() {
    return mode;
  }

  /**
   * Returns the factor for {@code rel}'s row count.
   *
   * @param rel the node
   * @param mq the planner's metadata query (its answers for the inputs feed the embedding)
   * @param baseRows the engine's own estimate of the node over its (corrected) inputs
   * @return a finite factor greater than 0
   */
  public double rowFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
    Binding b = binding();
    return b == null ? 1.0 : runtime.model().rowFactor(rel, mq, baseRows, b);
  }

  /**
   * Returns the factor for {@code rel}'s own (non-cumulative) cost; multiply the engine's cost by
   * it ({@code cost.multiplyBy(f)} keeps the engine's cost class).
   *
   * @param baseCost the engine's own self cost of the node
   * @return a finite factor greater than 0
   */
  public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
    Binding b = binding();
    if (b == null || baseCost == null || baseCost.isInfinite()) {
      return 1.0;
    }
    return runtime.model().costFactor(rel, mq, LoraCost.valueOf(baseCost), b);
  }

  /** The binding for this call: null while stock planning, a tracing one during a trace. */
  private Binding binding() {
    if (mode == LoraMode.OFF && TraceCaptures.current() == null) {
      return null;
    }
    if (runtime.isStockPlanning()) {
      return null;
    }
    TraceCaptures captures = TraceCaptures.current();
    Binding b = runtime.binding(mode);
    return captures == null ? b : captures.bind(b);
  }

  @Override
  public String toString() {
    return "EngineCorrections{" + runtime + ", " + mode + "}";
  }
}
