package dev.learnedcost.calcite;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One query being prepared through a {@link LoraRuntime}'s regression guard, from
 * {@link LoraRuntime#beginQuery(String)} until closed: the guard's choice for this execution
 * ({@link #choice()}), stock planning on this thread while the choice is stock, and the
 * preparation's timing. Close it when planning is done (in a {@code finally} block or
 * try-with-resources: a preparation that never finished still counts); executing may come
 * later, and the executed plan refers to the scope it was made in
 * ({@link ExecutedPlan#query()}).
 *
 * <p>The learning connections of {@link LoraRuntime#driver} open and close one per statement
 * themselves. Scopes nest (a statement prepared while preparing another); a scope belongs to the
 * thread that opened it.
 */
public final class QueryScope implements AutoCloseable {
  private final LoraRuntime runtime;
  private final String fingerprint;
  private final String shape;
  private final PlanChoice choice;
  private final long startNanos;
  private final LoraRuntime.@Nullable StockPlanning stock;
  private final @Nullable QueryScope outer;
  private boolean closed;

  QueryScope(LoraRuntime runtime, String fingerprint, String shape, PlanChoice choice,
      long startNanos, LoraRuntime.@Nullable StockPlanning stock, @Nullable QueryScope outer) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.fingerprint = fingerprint;
    this.shape = shape;
    this.choice = choice;
    this.startNanos = startNanos;
    this.stock = stock;
    this.outer = outer;
  }

  /** Returns the query's fingerprint ({@link LoraRuntime#fingerprint(String)}). */
  public String fingerprint() {
    return fingerprint;
  }

  /** Returns the query's normalized SQL (literals replaced by {@code ?}). */
  public String shape() {
    return shape;
  }

  /** Returns how the guard decided to plan this execution. */
  public PlanChoice choice() {
    return choice;
  }

  LoraRuntime runtime() {
    return runtime;
  }

  @Nullable QueryScope outer() {
    return outer;
  }

  /**
   * Ends the preparation: records its time with the guard, ends stock planning on this thread
   * and makes the enclosing scope (if any) current again. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      runtime.endPreparation(this, startNanos);
    } finally {
      if (stock != null) {
        stock.close();
      }
    }
  }

  @Override
  public String toString() {
    return "QueryScope{" + fingerprint + ", " + choice + ", " + shape + "}";
  }
}
