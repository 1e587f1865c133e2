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
}
