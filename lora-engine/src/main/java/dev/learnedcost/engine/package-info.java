/**
 * The learning core: rank-2 LoRA adapters per operator scope and a trajectory buffer, the Java
 * counterpart of {@code @ruvector/learning-wasm} 0.1.29. No runtime dependency.
 *
 * <p>Start reading at {@link dev.learnedcost.engine.ScopedLoRA}; {@link
 * dev.learnedcost.engine.MicroLoRA} is the single adapter and {@link
 * dev.learnedcost.engine.TrajectoryBuffer} records executions.
 */
package dev.learnedcost.engine;
