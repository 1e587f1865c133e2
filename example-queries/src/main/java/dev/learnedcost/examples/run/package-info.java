/**
 * Running one query on one engine (H2, stock Calcite, Calcite with a learned runtime) with a
 * timeout and cancellation: the API the correctness suite and the evaluation in {@code tests}
 * build on. Start at {@link dev.learnedcost.examples.run.EngineSession}.
 */
package dev.learnedcost.examples.run;
