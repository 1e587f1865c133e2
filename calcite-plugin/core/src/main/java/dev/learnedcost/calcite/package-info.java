/**
 * Learned row count and cost for Apache Calcite's planner, built on {@code dev.learnedcost.engine}.
 * Start reading at {@link dev.learnedcost.calcite.LoraRuntime}, the one owner of a learned model
 * (built from a {@link dev.learnedcost.calcite.LoraRuntimeConfig}); the no-code install is
 * {@link dev.learnedcost.calcite.LoraDriver} ({@code jdbc:calcite-lora:} URLs). Everything under
 * {@code dev.learnedcost.calcite.internal} is not API.
 */
package dev.learnedcost.calcite;
