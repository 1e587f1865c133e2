package dev.learnedcost.calcite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A constructed data set where the join order decides the run time and JdbcSchema's estimates
 * (100 rows per table, 15% per equality, 50% per range) pick the wrong one:
 * <ul>
 *   <li>F1 (5,000 rows): K in 0..9, D in 0..999.</li>
 *   <li>F2 (5,000 rows): K in 0..9, STATUS always 'A' (an equality that keeps every row).</li>
 *   <li>D (1,000 rows): SCORE = D, so {@code SCORE > 989} keeps 10 rows (1%).</li>
 * </ul>
 * F1 joined to F2 on K makes 2.5 million rows; F1 joined to D's 10 rows first makes about 50,
 * and joining F2 after that about 25,000. Loaded once per test JVM into in-memory H2.
 */
final class StarH2 {
  static final int FACT_ROWS = 5_000;
  static final int KEYS = 10;
  static final int DIM_ROWS = 1_000;
  private static DataSource dataSource;

  private StarH2() {}

  static synchronized DataSource dataSource() {
    if (dataSource == null) {
      dataSource = InMemoryH2.create("lora_star", StarH2::load);
    }
    return dataSource;
  }

  private static void load(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE F1 (ID INT PRIMARY KEY, K INT, D INT)");
      s.execute("CREATE TABLE F2 (ID INT PRIMARY KEY, K INT, STATUS VARCHAR(1))");
      s.execute("CREATE TABLE D (D INT PRIMARY KEY, SCORE INT)");
    }
    c.setAutoCommit(false);
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    try (PreparedStatement f1 = c.prepareStatement("INSERT INTO F1 VALUES (?, ?, ?)");
        PreparedStatement f2 = c.prepareStatement("INSERT INTO F2 VALUES (?, ?, 'A')")) {
      for (int i = 0; i < FACT_ROWS; i++) {
        f1.setInt(1, i);
        f1.setInt(2, i % KEYS);
        f1.setInt(3, r.nextInt(DIM_ROWS));
        f1.addBatch();
        f2.setInt(1, i);
        f2.setInt(2, i % KEYS);
        f2.addBatch();
      }
      f1.executeBatch();
      f2.executeBatch();
    }
    try (PreparedStatement d = c.prepareStatement("INSERT INTO D VALUES (?, ?)")) {
      for (int i = 0; i < DIM_ROWS; i++) {
        d.setInt(1, i);
        d.setInt(2, i);
        d.addBatch();
      }
      d.executeBatch();
    }
    c.commit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
  }

  /** Adds the schema STAR (scans, filters, projects in H2; joins in Calcite) and selects it. */
  static Connection connect(org.apache.calcite.jdbc.Driver driver) throws SQLException {
    Connection c = driver.connect("jdbc:calcite:", TpchH2.connectionProperties());
    CalciteConnection cc = c.unwrap(CalciteConnection.class);
    SchemaPlus root = cc.getRootSchema();
    root.add("STAR", ScanOnlyJdbcConvention.schema(root, "STAR", dataSource(), null, "PUBLIC"));
    cc.setSchema("STAR");
    return c;
  }
}
