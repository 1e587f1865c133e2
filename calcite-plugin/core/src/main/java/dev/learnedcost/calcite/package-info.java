/**
 * Learned row count and cost for Apache Calcite's planner, built on {@code dev.learnedcost.engine}.
 * Start reading at {@link dev.learnedcost.calcite.LoraCostModel}; installs are in
 * {@link dev.learnedcost.calcite.LoraCalcite} (Frameworks, {@code jdbc:calcite:} with a prepare
 * factory) and {@link dev.learnedcost.calcite.LoraDriver} ({@code jdbc:calcite-lora:} URLs).
 */
package dev.learnedcost.calcite;
