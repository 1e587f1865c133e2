/**
 * Per-operator actuals for Enumerable plans (rows, inclusive and self time): Calcite's missing
 * EXPLAIN ANALYZE. Start at {@link dev.learnedcost.calcite.internal.profile.PlanProfiler}.
 */
package dev.learnedcost.calcite.internal.profile;
