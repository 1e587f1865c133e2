/**
 * The learning core: rank-2 LoRA adapters per operator scope and a trajectory buffer, the Java
 * counterpart of {@code @ruvector/learning-wasm} 0.1.29. No runtime dependency.
 *
 * <p>Start reading at {@link dev.learnedcost.engine.ScopedLoRA}; {@link
 * dev.learnedcost.engine.MicroLoRA} is the single adapter and {@link
 * dev.learnedcost.engine.TrajectoryBuffer} records executions. Both adapter classes are safe for
 * planner threads reading while a learner writes, and save and load checksummed snapshots
 * ({@link dev.learnedcost.engine.SnapshotFormatException}); {@link
 * dev.learnedcost.engine.Vectorization} reports whether the SIMD or the scalar kernel runs.
 */
package dev.learnedcost.engine;
