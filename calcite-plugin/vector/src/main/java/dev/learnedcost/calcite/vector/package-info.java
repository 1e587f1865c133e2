/**
 * Vector search inside Calcite plans: an embedding column type, the distance functions
 * {@code COSINE_DISTANCE}, {@code L2_DISTANCE} and {@code INNER_PRODUCT}, an index SPI
 * ({@link dev.learnedcost.calcite.vector.VectorIndex}), the nodes {@code HnswScan},
 * {@code IvfFlatScan} and {@code Rerank}, and the rule that offers them as an alternative to the
 * exact scan, distance, sort and limit. Start reading at
 * {@link dev.learnedcost.calcite.vector.VectorIndexRule}; tables come from
 * {@link dev.learnedcost.calcite.vector.VectorTable}, functions from
 * {@link dev.learnedcost.calcite.vector.VectorFunctions#register}. Pure Calcite: index
 * implementations backed by libraries live outside this module.
 */
package dev.learnedcost.calcite.vector;
