/**
 * Learned row count and cost for Apache Calcite's planner, built on {@code dev.learnedcost.engine}.
 */
package dev.learnedcost.calcite;
