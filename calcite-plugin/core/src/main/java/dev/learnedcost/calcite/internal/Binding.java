package dev.learnedcost.calcite.internal;

import dev.learnedcost.calcite.LoraMode;
import java.util.Objects;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one planning asks of the learned model: whose model, in which mode, and whether the
 * corrections are being traced. The metadata handlers are compiled once per JVM and shared by
 * every runtime; a planning reaches its runtime's model through the binding its metadata query
 * carries ({@link LoraMetadataQuery}), so two connections of one runtime can plan in different
 * modes at the same time, and opening or closing a runtime compiles nothing.
 *
 * <p>Immutable. One binding per runtime and mode is reused by every planning; a trace uses a
 * binding of its own with {@link TraceCaptures}.
 */
public final class Binding {
  private final LearnedModel model;
  private final LoraMode mode;
  private final @Nullable TraceCaptures sink;

  Binding(LearnedModel model, LoraMode mode, @Nullable TraceCaptures sink) {
    this.model = Objects.requireNonNull(model, "model");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.sink = sink;
  }

  /** Returns the binding of plannings with {@code model} in {@code mode}. */
  public static Binding planning(LearnedModel model, LoraMode mode) {
    return new Binding(model, mode, null);
  }

  /** Returns the binding a metadata query carries, or null for a query of another origin. */
  public static @Nullable Binding of(RelMetadataQuery mq) {
    return mq instanceof LoraMetadataQuery q ? q.binding() : null;
  }

  /** Returns the model. */
  public LearnedModel model() {
    return model;
  }

  /** Returns the mode. */
  public LoraMode mode() {
    return mode;
  }

  /** Returns where corrections are recorded, or null when not tracing. */
  @Nullable TraceCaptures sink() {
    return sink;
  }

  /** Returns a binding that also records every correction it computes into {@code sink}. */
  Binding tracing(TraceCaptures sink) {
    return new Binding(model, mode == LoraMode.OFF ? LoraMode.SHADOW : mode, sink);
  }
}
