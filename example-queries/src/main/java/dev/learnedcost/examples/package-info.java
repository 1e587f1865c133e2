/**
 * The H2 demo: generated data sets in an embedded H2 database, SQL files for them, the
 * comparison of query results between engines, and the command-line demo
 * {@link dev.learnedcost.examples.Demo}, which runs them on H2, stock Calcite and Calcite with the
 * learned cost model.
 *
 * <p>Start reading at {@link dev.learnedcost.examples.DemoDatabase}, which generates a
 * {@link dev.learnedcost.examples.Dataset} ({@link dev.learnedcost.examples.TpchDataset} or
 * {@link dev.learnedcost.examples.SkewDataset}) once and reuses it while it is intact. Queries
 * come from {@link dev.learnedcost.examples.QueryCatalog}; results are captured as
 * {@link dev.learnedcost.examples.ResultTable}s and compared with
 * {@link dev.learnedcost.examples.ResultComparator}.
 */
package dev.learnedcost.examples;
