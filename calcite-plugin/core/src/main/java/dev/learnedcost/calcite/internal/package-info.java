/**
 * Internals of the plugin, not part of its API: the calcite-core scope table
 * ({@link dev.learnedcost.calcite.internal.CoreScopeTable}, start here), handler fallback
 * accounting and the {@code jdbc:calcite:} preparer.
 */
package dev.learnedcost.calcite.internal;
