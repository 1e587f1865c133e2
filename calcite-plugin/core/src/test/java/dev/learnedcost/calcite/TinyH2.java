package dev.learnedcost.calcite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A small two-table H2 database for the reliability tests, quick to create in any JVM (a child
 * JVM included): T (2,000 rows: k, g in 0..19, v) and U (20 rows: g, name), mounted as schema
 * {@code S} with H2 running scans, filters and projections and Calcite the joins and aggregates.
 */
public final class TinyH2 {
  /** Rows of T. */
  public static final int T_ROWS = 2_000;
  /** A join, a filter and an aggregate: every learned scope a small plan has. */
  public static final String QUERY = "select u.name, count(*) as c from s.t join s.u"
      + " on t.g = u.g where t.k < 1500 group by u.name order by u.name";

  private TinyH2() {}

  /** Creates (or returns) the in-memory database {@code name}. */
  public static DataSource create(String name) {
    return InMemoryH2.create(name, c -> {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS T(K INT PRIMARY KEY, G INT NOT NULL,"
            + " V VARCHAR(20))");
        s.execute("CREATE TABLE IF NOT EXISTS U(G INT PRIMARY KEY, NAME VARCHAR(20))");
        s.execute("DELETE FROM T");
        s.execute("DELETE FROM U");
      }
      try (PreparedStatement t = c.prepareStatement("INSERT INTO T VALUES (?, ?, ?)");
          PreparedStatement u = c.prepareStatement("INSERT INTO U VALUES (?, ?)")) {
        for (int k = 0; k < T_ROWS; k++) {
          t.setInt(1, k);
          t.setInt(2, (k * 7) % 20);
          t.setString(3, "v" + k);
          t.addBatch();
        }
        t.executeBatch();
        for (int g = 0; g < 20; g++) {
          u.setInt(1, g);
          u.setString(2, "name-" + (char) ('a' + g));
          u.addBatch();
        }
        u.executeBatch();
      }
    });
  }

  /** Mounts {@code dataSource} as schema S on a Calcite connection. */
  public static void mount(Connection c, DataSource dataSource) throws SQLException {
    CalciteConnection cc = c.unwrap(CalciteConnection.class);
    SchemaPlus root = cc.getRootSchema();
    root.add("S", ScanOnlyJdbcConvention.schema(root, "S", dataSource, null, "PUBLIC"));
  }

  /** Connection properties: unquoted names in any case. */
  public static Properties properties() {
    Properties p = new Properties();
    p.setProperty("lex", "JAVA");
    p.setProperty("caseSensitive", "false");
    return p;
  }

  /** Runs {@code sql} and returns its rows as strings. */
  public static List<List<String>> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      List<List<String>> out = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        out.add(row);
      }
      return out;
    }
  }
}
