/**
 * Internals of the plugin, NOT API: no other module may import this package or its
 * subpackages ({@code ModuleBoundaryTest} in {@code tests} fails when one does). Some classes are
 * public only because Janino-generated metadata code ({@link
 * dev.learnedcost.calcite.internal.LoraMdRowCount}), generated Enumerable code or
 * {@code ServiceLoader} must reach them. Start at {@link
 * dev.learnedcost.calcite.internal.LearnedModel}; the handlers are compiled once per JVM in
 * {@link dev.learnedcost.calcite.internal.CalciteMetadata}. Subpackages: {@code learn} (the
 * learner thread and the training targets), {@code guard} (the regression guard), {@code state}
 * (the state file), {@code profile} (Calcite's EXPLAIN ANALYZE), {@code jdbc} (index or
 * sequential scans of a JDBC fragment).
 */
package dev.learnedcost.calcite.internal;
