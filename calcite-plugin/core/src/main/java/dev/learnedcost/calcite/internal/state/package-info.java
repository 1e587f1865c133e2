/**
 * Not API. The learned-state file: its one format
 * ({@link dev.learnedcost.calcite.internal.state.StateFile}, start here) and the lock that keeps
 * one runtime per file.
 */
package dev.learnedcost.calcite.internal.state;
