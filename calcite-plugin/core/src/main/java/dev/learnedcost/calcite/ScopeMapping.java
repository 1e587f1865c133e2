package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.rel.RelNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Service provider interface through which a database maps its own node classes to scopes.
 * Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.learnedcost.calcite.ScopeMapping}. Mappings are asked before the
 * built-in table and name patterns, in class-name order of the implementations, and the first
 * non-null answer wins.
 *
 * <p>Called during planning for every node whose metadata is asked: keep it allocation-free
 * (an {@code instanceof} chain is ideal).
 */
public interface ScopeMapping {
  /**
   * Returns the scope of {@code rel}, or null when this mapping does not know the node (the
   * next mapping, then the built-in rules, decide).
   */
  @Nullable OperatorScope scopeOf(RelNode rel);

  /**
   * Returns whether {@code rel} has no scope at all, so that neither the later mappings nor the
   * built-in rules (whose name patterns would match it) give it one: an engine's bookkeeping
   * node whose name happens to contain {@code Filter} or {@code Correlate}, say. Asked before
   * {@link #scopeOf}; default false.
   */
  default boolean hasNoScope(RelNode rel) {
    return false;
  }

  /**
   * Returns the grouping of {@code rel} when it is an aggregation that is not a Calcite
   * {@link org.apache.calcite.rel.core.Aggregate} (an engine's own aggregate node, such as Flink's
   * batch hash and sort aggregates), so that the cost embedding gives it the features a Calcite
   * {@code Aggregate} gets: the number of group keys, the number of aggregate calls and the names
   * of the group-key columns. Null (the default) when {@code rel} is not such a node or this
   * mapping does not know it; the next mapping is asked then. Asked only for nodes that are not
   * Calcite joins, aggregates, filters, calcs or sorts.
   */
  default @Nullable AggregateShape aggregateShape(RelNode rel) {
    return null;
  }

  /**
   * The grouping of an engine's aggregate node ({@link #aggregateShape}).
   *
   * @param groupKeys the group keys as field indexes of the node's first input; not copied (a
   *     zero-copy path for the planner's hot loop): do not modify it afterwards
   * @param aggregateCalls the number of aggregate calls, {@code >= 0}
   */
  record AggregateShape(int[] groupKeys, int aggregateCalls) {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code aggregateCalls} is negative
     */
    public AggregateShape {
      java.util.Objects.requireNonNull(groupKeys, "groupKeys");
      if (aggregateCalls < 0) {
        throw new IllegalArgumentException("aggregateCalls must be >= 0, got " + aggregateCalls);
      }
    }
  }
}
