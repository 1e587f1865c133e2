/**
 * The plugin inside Apache Flink's batch SQL planner: corrected row counts and costs with
 * Flink's own estimates as the base, Flink's node classes mapped to operator scopes, and the
 * actual rows of every plan node from Flink's job metrics. Start at {@link
 * dev.learnedcost.calcite.flink.LoraFlink}.
 */
package dev.learnedcost.calcite.flink;
