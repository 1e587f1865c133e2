package dev.learnedcost.calcite.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.CyclicMetadataException;
import org.apache.calcite.util.ControlFlowException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts exceptions that made a handler fall back to the stock answer, by exception class, and
 * logs the first of each class at WARN. Not part of the API.
 */
public final class Fallbacks {
  private static final Logger LOG = LoggerFactory.getLogger("dev.learnedcost.calcite");

  private final ConcurrentHashMap<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  /**
   * Rethrows what Calcite uses for control flow inside metadata calls (a handler that is not
   * compiled yet, a cycle): swallowing those would break Calcite, not protect it.
   */
  public static void rethrowControlFlow(Throwable e) {
    if (e instanceof ControlFlowException cfe) {
      throw cfe;
    }
    if (e instanceof CyclicMetadataException cme) {
      throw cme;
    }
  }

  /** Counts {@code e} and logs it if it is the first of its class. */
  public void record(String where, RelNode rel, Throwable e) {
    total.increment();
    String kind = e.getClass().getName();
    LongAdder counter = byKind.get(kind);
    if (counter == null) {
      LongAdder fresh = new LongAdder();
      counter = byKind.putIfAbsent(kind, fresh);
      if (counter == null) {
        counter = fresh;
        LOG.warn("learned {} failed on {} with {}; using the stock estimate for this node "
            + "(further {} failures are counted, not logged)",
            where, rel.getRelTypeName(), kind, kind, e);
      }
    }
    counter.increment();
  }

  /** Returns the number of recorded fallbacks. */
  public long total() {
    return total.sum();
  }

  /** Returns the counts by exception class name, as an unmodifiable sorted copy. */
  public Map<String, Long> byKind() {
    TreeMap<String, Long> m = new TreeMap<>();
    byKind.forEach((k, v) -> m.put(k, v.sum()));
    return java.util.Collections.unmodifiableMap(m);
  }
}
