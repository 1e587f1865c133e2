package dev.learnedcost.calcite.flink;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
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
  static void rethrowControlFlow(RuntimeException e) {
    if (e instanceof ControlFlowException || e instanceof CyclicMetadataException) {
      throw e;
    }
  }

  void record(String what, RelNode rel, String problem, Throwable cause) {
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
