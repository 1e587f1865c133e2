package dev.learnedcost.calcite.internal;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the handlers computed for each node during one trace: per node and readout the embedding
 * (copied), the base and the factor of the first computation. Used on one thread.
 */
public final class TraceCaptures {
  /** The captures engines' handlers record into while a trace runs on this thread. */
  private static final ThreadLocal<TraceCaptures> CURRENT = new ThreadLocal<>();

  private final Map<RelNode, Capture> captures = new IdentityHashMap<>();

  /** Returns the captures active on this thread (see {@link #activate()}), or null. */
  public static @Nullable TraceCaptures current() {
    return CURRENT.get();
  }

  /**
   * Makes these the captures of this thread until the returned handle is closed: an engine's
   * handlers, whose metadata queries carry no binding, record into them (see
   * {@code EngineCorrections}).
   */
  public Active activate() {
    TraceCaptures previous = CURRENT.get();
    CURRENT.set(this);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Ends an {@link #activate()}. */
  @FunctionalInterface
  public interface Active extends AutoCloseable {
    @Override
    void close();
  }

  /** Returns a binding that plans like {@code planning} and records into these captures. */
  public Binding bind(Binding planning) {
    return Objects.requireNonNull(planning, "planning").tracing(this);
  }

  void record(RelNode rel, int readout, float[] x, double base, double factor) {
    captures.computeIfAbsent(rel, r -> new Capture()).record(readout, x, base, factor);
  }

  /** Returns the nodes with a capture (in no particular order). */
  public java.util.List<RelNode> nodes() {
    return java.util.List.copyOf(captures.keySet());
  }

  /** Returns the row embedding captured for {@code rel}, or null (its rows are not corrected). */
  public float @Nullable [] rowEmbedding(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? null : c.rowX;
  }

  /** Returns the base rows captured for {@code rel}; NaN without a capture. */
  public double rowBase(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? Double.NaN : c.rowBase;
  }

  /** Returns the row factor captured for {@code rel}; 1 without a capture. */
  public double rowFactor(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? 1 : c.rowFactor;
  }

  /** Returns the cost embedding captured for {@code rel}, or null. */
  public float @Nullable [] costEmbedding(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? null : c.costX;
  }

  /** Returns the base cost (weighted value) captured for {@code rel}; NaN without a capture. */
  public double costBase(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? Double.NaN : c.costBase;
  }

  /** Returns the cost factor captured for {@code rel}; 1 without a capture. */
  public double costFactor(RelNode rel) {
    Capture c = captures.get(rel);
    return c == null ? 1 : c.costFactor;
  }

  private static final class Capture {
    float @Nullable [] rowX;
    double rowBase = Double.NaN;
    double rowFactor = 1;
    float @Nullable [] costX;
    double costBase = Double.NaN;
    double costFactor = 1;

    void record(int readout, float[] x, double base, double factor) {
      if (readout == CostEmbedding.READOUT_ROWS && rowX == null) {
        rowX = x.clone();
        rowBase = base;
        rowFactor = factor;
      } else if (readout == CostEmbedding.READOUT_COST && costX == null) {
        costX = x.clone();
        costBase = base;
        costFactor = factor;
      }
    }
  }
}
