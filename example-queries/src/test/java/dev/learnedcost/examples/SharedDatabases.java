package dev.learnedcost.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Databases shared by test classes: generated once under {@code target/test-demo-data} and
 * reused by later classes and later runs, exactly as the demo reuses them. Tests that damage a
 * database use their own temporary directory instead.
 */
final class SharedDatabases {
  /** Where shared test databases live, relative to the module directory. */
  static final Path DIRECTORY = Path.of("target", "test-demo-data");

  /** The skew size factor used where a test only needs the queries to run: 100,000 sales. */
  static final double SMALL_SKEW_SIZE = 0.2;

  private SharedDatabases() {}

  /** Opens TPC-H at scale factor 0.01; the caller closes it. */
  static DemoDatabase tpch() throws IOException, SQLException {
    return DemoDatabase.open(DIRECTORY, TpchDataset.withDefaults());
  }

  /** Opens the skew data set at {@link #SMALL_SKEW_SIZE}; the caller closes it. */
  static DemoDatabase smallSkew() throws IOException, SQLException {
    return DemoDatabase.open(DIRECTORY.resolve("small"),
        new SkewDataset(SMALL_SKEW_SIZE, SkewDataset.DEFAULT_SEED));
  }
}
