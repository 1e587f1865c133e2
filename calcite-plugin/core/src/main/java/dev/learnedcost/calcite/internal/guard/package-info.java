/**
 * Not API. The regression guard: its rules
 * ({@link dev.learnedcost.calcite.internal.guard.RegressionGuard}, start here), its history's
 * codec and the query fingerprint.
 */
package dev.learnedcost.calcite.internal.guard;
