package dev.learnedcost.calcite.flink;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.CyclicMetadataException;
import org.apache.calcite.util.ControlFlowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts corrections that failed or were invalid; logs the first one at WARN. */
final class CorrectionFallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(CorrectionFallbacks.class);

  private final LongAdder count = new LongAdder();
  private final AtomicBoolean logged = new AtomicBoolean();

  /**
   * Rethrows what Calcite uses for control flow inside metadata calls (a handler not generated
   * yet, a cycle): swallowing those would break Calcite, not protect it.
   */
  private static void rethrowControlFlow(RuntimeException e) {
    if (e instanceof ControlFlowException || e instanceof CyclicMetadataException) {
      throw e;
    }
  }

  /**
   * Returns {@code factor}'s value, or 1 (no correction) when it throws or is not finite and
   * positive; such failures are counted and the first is logged.
   */
  double factor(String what, RelNode rel, DoubleSupplier factor) {
    double f;
    try {
      f = factor.getAsDouble();
    } catch (RuntimeException e) {
      rethrowControlFlow(e);
      record(what, rel, "failed", e);
      return 1.0;
    }
    if (f > 0 && !Double.isInfinite(f)) {
      return f;
    }
    record(what, rel, "returned factor " + f + " (must be finite and > 0)", null);
    return 1.0;
  }

  private void record(String what, RelNode rel, String problem, Throwable cause) {
    count.increment();
    if (logged.compareAndSet(false, true)) {
      LOG.warn("{} correction of {} {}; Flink's own estimate is used for such nodes "
          + "(further failures are counted, not logged)", what, rel.getRelTypeName(), problem,
          cause);
    }
  }

  long count() {
    return count.sum();
  }
}
