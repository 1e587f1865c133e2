package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.DatasetManifest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads, writes and checks the manifest that a completed load leaves in the database.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>The manifest lives in its own schema, {@value #SCHEMA}, so that a Calcite
 *       {@code JdbcSchema} mounted on H2's {@code PUBLIC} schema never sees it.</li>
 *   <li>Its tables are created empty before any data is loaded and filled in one transaction
 *       after {@code ANALYZE}: a database with empty manifest tables is a load that did not
 *       finish.</li>
 *   <li>A database is intact when its manifest matches the requested data set exactly (format
 *       version, name, parameters, generator), lists exactly the expected tables, every table
 *       still holds the recorded number of rows, and every secondary index exists. Counting is
 *       cheap: H2 keeps each table's row count, so {@code COUNT(*)} does not scan.</li>
 * </ul>
 */
public final class ManifestStore {

  /**
   * Version of the table layout (DDL, indexes) and of this manifest format. Bump it whenever
   * either changes, so older databases are rebuilt instead of reused.
   */
  public static final int FORMAT_VERSION = 1;

  /** The schema that holds the manifest. */
  public static final String SCHEMA = "LEARNEDCOST_META";

  private static final String PROPERTIES = SCHEMA + ".MANIFEST";
  private static final String TABLE_ROWS = SCHEMA + ".TABLE_ROWS";

  private ManifestStore() {}

  /**
   * Creates the empty manifest tables; call before loading any data.
   *
   * @throws SQLException if H2 rejects the DDL
   */
  public static void createEmpty(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + SCHEMA);
      statement.execute("CREATE TABLE " + PROPERTIES
          + " (PROPERTY VARCHAR(64) PRIMARY KEY, VAL VARCHAR(1000) NOT NULL)");
      statement.execute("CREATE TABLE " + TABLE_ROWS + " (POSITION INTEGER PRIMARY KEY,"
          + " TABLE_NAME VARCHAR(128) NOT NULL UNIQUE, EXPECTED_ROWS BIGINT NOT NULL)");
    }
  }

  /**
   * Writes the manifest in one transaction; call after the load and {@code ANALYZE}.
   *
   * @throws SQLException if H2 rejects an insert (nothing is committed then)
   */
  public static void write(Connection connection, DatasetManifest manifest) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO " + PROPERTIES + " (PROPERTY, VAL) VALUES (?, ?)")) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("format_version", Integer.toString(manifest.formatVersion()));
        properties.put("dataset", manifest.dataset());
        properties.put("parameters", manifest.parameters());
        properties.put("generator", manifest.generator());
        properties.put("created_at", manifest.createdAt().toString());
        for (Map.Entry<String, String> e : properties.entrySet()) {
          insert.setString(1, e.getKey());
          insert.setString(2, e.getValue());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE_ROWS
          + " (POSITION, TABLE_NAME, EXPECTED_ROWS) VALUES (?, ?, ?)")) {
        int position = 0;
        for (Map.Entry<String, Long> e : manifest.rowCounts().entrySet()) {
          insert.setInt(1, position++);
          insert.setString(2, e.getKey());
          insert.setLong(3, e.getValue());
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * Reads the manifest.
   *
   * @return the manifest, or a description of why there is no complete one
   * @throws SQLException if H2 fails for another reason than a missing manifest
   */
  public static Read read(Connection connection) throws SQLException {
    if (!tableExists(connection, SCHEMA, "MANIFEST")
        || !tableExists(connection, SCHEMA, "TABLE_ROWS")) {
      return Read.problem("it has no manifest (not created by this demo, or created by an"
          + " older version)");
    }
    Map<String, String> properties = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT PROPERTY, VAL FROM " + PROPERTIES)) {
      while (rs.next()) {
        properties.put(rs.getString(1), rs.getString(2));
      }
    }
    if (properties.isEmpty()) {
      return Read.problem("its manifest is empty: the previous load did not finish");
    }
    for (String key : List.of("format_version", "dataset", "parameters", "generator",
        "created_at")) {
      if (!properties.containsKey(key)) {
        return Read.problem("its manifest lacks the property '" + key + "'");
      }
    }
    Map<String, Long> rowCounts = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT TABLE_NAME, EXPECTED_ROWS FROM " + TABLE_ROWS + " ORDER BY POSITION")) {
      while (rs.next()) {
        rowCounts.put(rs.getString(1), rs.getLong(2));
      }
    }
    int formatVersion;
    Instant createdAt;
    try {
      formatVersion = Integer.parseInt(properties.get("format_version"));
      createdAt = Instant.parse(properties.get("created_at"));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Read.problem("its manifest is damaged: " + e.getMessage());
    }
    return new Read(Optional.of(new DatasetManifest(formatVersion, properties.get("dataset"),
        properties.get("parameters"), properties.get("generator"), createdAt, rowCounts)),
        null);
  }

  /**
   * Checks that the database matches {@code expected} (its row counts are ignored; the
   * recorded ones are checked against the tables) and that the tables and indexes in
   * {@code tables} are all present and hold the recorded row counts.
   *
   * @return empty if intact, otherwise why not
   * @throws SQLException if H2 fails while counting
   */
  public static Optional<String> verify(Connection connection, DatasetManifest recorded,
      DatasetManifest expected, List<TableDefinition> tables) throws SQLException {
    if (recorded.formatVersion() != expected.formatVersion()) {
      return Optional.of("its layout version is " + recorded.formatVersion()
          + ", this build expects " + expected.formatVersion());
    }
    if (!recorded.dataset().equals(expected.dataset())) {
      return Optional.of("it holds data set '" + recorded.dataset() + "', requested '"
          + expected.dataset() + "'");
    }
    if (!recorded.parameters().equals(expected.parameters())) {
      return Optional.of("it was generated with " + recorded.parameters() + ", requested "
          + expected.parameters());
    }
    if (!recorded.generator().equals(expected.generator())) {
      return Optional.of("it was generated by " + recorded.generator() + ", this build uses "
          + expected.generator());
    }
    Set<String> expectedTables = new HashSet<>();
    tables.forEach(t -> expectedTables.add(t.name()));
    if (!recorded.rowCounts().keySet().equals(expectedTables)) {
      return Optional.of("its manifest lists tables " + recorded.rowCounts().keySet()
          + ", expected " + tables.stream().map(TableDefinition::name).toList());
    }
    Set<String> indexes = existingIndexes(connection);
    for (TableDefinition table : tables) {
      if (!tableExists(connection, "PUBLIC", table.name())) {
        return Optional.of("table " + table.name() + " is missing");
      }
      long actual;
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM PUBLIC." + table.name())) {
        rs.next();
        actual = rs.getLong(1);
      }
      long wanted = recorded.rowCounts().get(table.name());
      if (actual != wanted) {
        return Optional.of("table " + table.name() + " holds " + actual + " rows, its manifest "
            + "records " + wanted);
      }
      for (IndexDefinition index : table.indexes()) {
        if (!indexes.contains(index.name())) {
          return Optional.of("index " + index.name() + " on " + table.name() + " is missing");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean tableExists(Connection connection, String schema, String table)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
      query.setString(1, schema);
      query.setString(2, table);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private static Set<String> existingIndexes(Connection connection) throws SQLException {
    Set<String> names = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /**
   * The outcome of {@link #read}: a manifest, or the reason there is none.
   *
   * @param manifest the manifest, if complete
   * @param problem why there is none, or {@code null}
   */
  public record Read(Optional<DatasetManifest> manifest, String problem) {
    static Read problem(String problem) {
      return new Read(Optional.empty(), problem);
    }
  }
}
