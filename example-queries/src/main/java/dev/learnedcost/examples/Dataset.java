package dev.learnedcost.examples;

import java.util.List;

/**
 * A data set the demo can generate into an H2 database: {@link TpchDataset},
 * {@link SkewDataset}, {@link VectorDataset} or {@link TpcdsDataset}. Implementations are immutable values; two equal data sets generate
 * identical databases.
 */
public sealed interface Dataset permits TpchDataset, SkewDataset, VectorDataset,
    TpcdsDataset {

  /**
   * Returns the data set's name: the H2 database file's base name and the key of its built-in
   * queries in {@link QueryCatalog}.
   */
  String name();

  /**
   * Returns the generation parameters as a canonical string, e.g. {@code scale=0.01}; two data
   * sets with equal names and parameters generate identical data.
   */
  String parameters();

  /** Returns the upper-case names of the tables, in creation order. */
  List<String> tableNames();
}
