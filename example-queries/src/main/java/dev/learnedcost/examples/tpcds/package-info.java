/**
 * TPC-DS for the demo, the correctness suite and the evaluation, independent of H2 where it
 * can be: {@link dev.learnedcost.examples.tpcds.TpcdsGenerator} (tables and typed rows from
 * {@code io.trino.tpcds}), {@link dev.learnedcost.examples.tpcds.TpcdsTemplate} and
 * {@link dev.learnedcost.examples.tpcds.TpcdsInstantiator} (the 99 templates of
 * {@code net.hydromatic:tpcds}, filled from the generator's distributions with a seed),
 * {@link dev.learnedcost.examples.tpcds.TpcdsDialect} (Calcite and H2 rewriting). Start
 * reading at {@link dev.learnedcost.examples.tpcds.TpcdsQueries}.
 */
package dev.learnedcost.examples.tpcds;
