/**
 * The H2 demo's data and queries: generated data sets in an embedded H2 database, SQL files for
 * them, and the comparison of query results between engines.
 *
 * <p>Start reading at {@link dev.learnedcost.examples.DemoDatabase}, which generates a
 * {@link dev.learnedcost.examples.Dataset} ({@link dev.learnedcost.examples.TpchDataset} or
 * {@link dev.learnedcost.examples.SkewDataset}) once and reuses it while it is intact. Queries
 * come from {@link dev.learnedcost.examples.QueryCatalog}; results are captured as
 * {@link dev.learnedcost.examples.ResultTable}s and compared with
 * {@link dev.learnedcost.examples.ResultComparator}.
 */
package dev.learnedcost.examples;
