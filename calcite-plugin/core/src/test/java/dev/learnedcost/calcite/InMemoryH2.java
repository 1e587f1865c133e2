package dev.learnedcost.calcite;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Creates the in-memory H2 databases of the tests, each loaded once per test JVM. */
final class InMemoryH2 {
  private InMemoryH2() {}

  /** Fills a new database. */
  @FunctionalInterface
  interface Loader {
    void load(Connection c) throws SQLException;
  }

  /**
   * Returns a data source of the in-memory database {@code name} (kept open for the JVM, result
   * cache off so timings are real), filled by {@code loader}.
   *
   * @throws IllegalStateException naming the database if loading fails
   */
  static DataSource create(String name, Loader loader) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE");
    try (Connection c = ds.getConnection()) {
      loader.load(c);
    } catch (SQLException e) {
      throw new IllegalStateException("loading " + name + " into H2 failed", e);
    }
    return ds;
  }
}
