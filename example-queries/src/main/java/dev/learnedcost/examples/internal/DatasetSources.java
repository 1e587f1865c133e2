package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.Dataset;
import dev.learnedcost.examples.SkewDataset;
import dev.learnedcost.examples.TpcdsDataset;
import dev.learnedcost.examples.TpchDataset;
import dev.learnedcost.examples.tpcds.TpcdsGenerator;
import dev.learnedcost.examples.VectorDataset;
import java.util.List;

/** Maps a public {@link Dataset} value to its generator. */
public final class DatasetSources {
  private DatasetSources() {}

  /** Returns the tables to create and fill, in creation order. */
  public static List<TableSource> tables(Dataset dataset) {
    if (dataset instanceof TpchDataset tpch) {
      return TpchTables.tables(tpch.scaleFactor());
    }
    if (dataset instanceof SkewDataset skew) {
      return SkewTables.tables(skew.sizeFactor(), skew.seed());
    }
    if (dataset instanceof VectorDataset vector) {
      return VectorTables.tables(vector);
    }
    if (dataset instanceof TpcdsDataset tpcds) {
      return TpcdsTables.tables(tpcds.scaleFactor(), tpcds.compactDimensions());
    }
    throw new AssertionError("unknown data set type " + dataset.getClass().getName());
  }

  /** Returns the generator identity recorded in the manifest. */
  public static String generator(Dataset dataset) {
    if (dataset instanceof TpchDataset) {
      return TpchTables.generatorVersion();
    }
    if (dataset instanceof SkewDataset) {
      return SkewTables.generatorVersion();
    }
    if (dataset instanceof VectorDataset) {
      return VectorTables.generatorVersion();
    }
    if (dataset instanceof TpcdsDataset) {
      return TpcdsGenerator.version();
    }
    throw new AssertionError("unknown data set type " + dataset.getClass().getName());
  }
}
