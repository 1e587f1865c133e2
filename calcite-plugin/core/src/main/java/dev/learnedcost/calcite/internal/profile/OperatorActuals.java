package dev.learnedcost.calcite.internal.profile;

/**
 * What one plan node did in one execution.
 *
 * @param nodeIndex the node's index in {@link PlanProfile#nodes()} (pre-order, root 0)
 * @param rows rows the node produced (every {@code moveNext} that returned true, over all the
 *     times the node was enumerated, as the inner side of a nested loop is)
 * @param inclusiveNanos time inside the node and everything below it: building its enumerable,
 *     its {@code moveNext} calls and {@code close}; estimated from a sample of calls once a node
 *     has produced {@link PlanProfile#EXACT_CALLS} rows (see {@link PlanProfile})
 * @param selfNanos {@code inclusiveNanos} minus the children's inclusive time, at least 0
 * @param opens how many times the node was enumerated
 * @param exhaustedOpens how many of those enumerations were read to their end; fewer than
 *     {@code opens} means the consumer stopped pulling early (a limit, a re-ranker that has its
 *     candidates), so {@code rows} is a lower bound of what the node would produce
 */
public record OperatorActuals(
    int nodeIndex, long rows, long inclusiveNanos, long selfNanos, long opens,
    long exhaustedOpens) {

  /** An operator whose every enumeration was read to its end. */
  public OperatorActuals(int nodeIndex, long rows, long inclusiveNanos, long selfNanos,
      long opens) {
    this(nodeIndex, rows, inclusiveNanos, selfNanos, opens, opens);
  }

  /**
   * Whether some enumeration of the node was closed before its end: its consumer stopped
   * pulling, so {@link #rows()} reflects what was asked for, not what the node produces.
   */
  public boolean truncated() {
    return exhaustedOpens < opens;
  }

  /** Returns the self time in milliseconds. */
  public double selfMs() {
    return selfNanos / 1e6;
  }

  /** Returns the inclusive time in milliseconds. */
  public double inclusiveMs() {
    return inclusiveNanos / 1e6;
  }
}
