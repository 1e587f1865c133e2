package dev.learnedcost.tests.bench;

import dev.learnedcost.engine.Vectorization;
import java.util.SplittableRandom;

/** Deterministic benchmark inputs and the kernel banner. */
final class BenchInputs {
  static final long SEED = 20261123L;

  private BenchInputs() {}

  /** A vector of {@code n} values in [-1, 1) from a seeded generator. */
  static float[] vector(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** Prints which engine kernel this fork uses, once per trial, into the JMH log. */
  static void printKernel(String benchmark) {
    System.out.println("# " + benchmark + ": engine kernel " + Vectorization.kernelName());
  }

  /**
   * Opens a stock {@code jdbc:calcite:} connection whose default schema TPCH is the demo's TPC-H
   * database at scale 0.01 (built once under {@code target/bench-data}), with H2 running scans,
   * filters and projections and Calcite the rest.
   */
  static java.sql.Connection tpchConnection(dev.learnedcost.examples.DemoDatabase database)
      throws java.sql.SQLException {
    return tpchConnection(database, new org.apache.calcite.jdbc.Driver());
  }

  /** {@link #tpchConnection(dev.learnedcost.examples.DemoDatabase)} through another driver. */
  static java.sql.Connection tpchConnection(dev.learnedcost.examples.DemoDatabase database,
      org.apache.calcite.jdbc.Driver driver) throws java.sql.SQLException {
    java.sql.Connection connection = driver.connect("jdbc:calcite:", new java.util.Properties());
    org.apache.calcite.jdbc.CalciteConnection calcite =
        connection.unwrap(org.apache.calcite.jdbc.CalciteConnection.class);
    org.apache.calcite.schema.SchemaPlus root = calcite.getRootSchema();
    root.add("TPCH", dev.learnedcost.calcite.ScanOnlyJdbcConvention.schema(
        root, "TPCH", database.dataSource(), null, "PUBLIC"));
    calcite.setSchema("TPCH");
    return connection;
  }

  /** Opens (building it the first time) the demo's TPC-H database for benchmarks. */
  static dev.learnedcost.examples.DemoDatabase tpchDatabase() throws Exception {
    return dev.learnedcost.examples.DemoDatabase.open(java.nio.file.Path.of("target", "bench-data"),
        dev.learnedcost.examples.TpchDataset.withDefaults());
  }
}
