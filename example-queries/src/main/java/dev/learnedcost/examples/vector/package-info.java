/**
 * Library-backed vector indexes for the demo's {@code vector} data set, behind the plugin's
 * {@link dev.learnedcost.calcite.vector.VectorIndex} SPI: {@link
 * dev.learnedcost.examples.vector.LuceneHnswIndex} (Lucene 9's HNSW graph) and {@link
 * dev.learnedcost.examples.vector.IvfFlatIndex} (commons-math3 k-means++ centroids, flat posting
 * lists probed by {@code nprobe}). Start reading at {@link
 * dev.learnedcost.examples.vector.VectorCatalog}, which loads the vector tables from H2, opens or
 * rebuilds their indexes next to the database file and mounts them in a Calcite schema.
 */
package dev.learnedcost.examples.vector;
