/**
 * Learned row count and cost for Apache Calcite's planner, built on {@code dev.learnedcost.engine}.
 * Start reading at {@link dev.learnedcost.calcite.LoraRuntime}, the owner of a learned model,
 * built from a {@link dev.learnedcost.calcite.LoraRuntimeConfig}; the no-code paths are
 * {@link dev.learnedcost.calcite.LoraDriver} ({@code jdbc:calcite-lora:} URLs) with
 * {@link dev.learnedcost.calcite.LoraJdbcSchemaFactory} (Calcite model files); tools read and
 * edit a state file through {@link dev.learnedcost.calcite.LoraStateFile}. Everything under
 * {@code dev.learnedcost.calcite.internal} is not API.
 */
package dev.learnedcost.calcite;
