package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.vector.FloatVector;
import dev.learnedcost.calcite.vector.VectorFunctions;
import dev.learnedcost.calcite.vector.VectorIndex;
import dev.learnedcost.calcite.vector.VectorMetric;
import dev.learnedcost.calcite.vector.VectorTable;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.VectorDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The vector tables of a {@code vector} demo database, loaded from H2 into memory with their
 * indexes: an HNSW ({@link LuceneHnswIndex}) and an IVF-Flat ({@link IvfFlatIndex}) index on
 * the {@code EMBEDDING} column of {@code ITEMS} and {@code ITEMS_SMALL}, both for
 * {@code COSINE_DISTANCE}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Persistence: indexes live next to the H2 file, in
 *       {@code <directory>/<data set>-index/<TABLE>.hnsw/} (a Lucene index) and
 *       {@code <TABLE>.ivf}. Each records the fingerprint of the vectors it was built from; when
 *       the data changes (a rebuilt database, other parameters, edited rows) the fingerprint
 *       differs and the index is rebuilt on open. {@link #reports()} says which.</li>
 *   <li>One catalog per database file and load ({@link #of}), shared by every connection of
 *       the demo: loading 20,000 vectors and opening two indexes takes about a second.</li>
 *   <li>Mounting ({@link #mount}) adds the vector tables to a Calcite schema, where they hide
 *       the JDBC tables of the same names, and registers the distance functions; the metadata
 *       table {@code CATEGORIES} stays a JDBC table of H2.</li>
 * </ul>
 */
public final class VectorCatalog {
  /** Tables with vectors, and their vector column. */
  public static final List<String> VECTOR_TABLES = List.of("ITEMS", "ITEMS_SMALL");
  /** The vector column of the vector tables. */
  public static final String VECTOR_COLUMN = "EMBEDDING";

  /**
   * What opening an index did.
   *
   * @param table the table
   * @param index the index description
   * @param rebuilt whether it was built now (else reused from disk)
   * @param millis time to open or build it
   */
  public record IndexReport(String table, String index, boolean rebuilt, long millis) {
    @Override
    public String toString() {
      return table + " " + index + ": " + (rebuilt ? "built" : "reused") + " in " + millis
          + " ms";
    }
  }

  private static final Map<String, VectorCatalog> CATALOGS = new ConcurrentHashMap<>();

  private final Map<String, VectorTable> tables;
  private final List<IndexReport> reports;

  private VectorCatalog(Map<String, VectorTable> tables, List<IndexReport> reports) {
    this.tables = tables;
    this.reports = reports;
  }

  /**
   * Returns the catalog of {@code database}, loading it on first use (per database file and
   * manifest creation time).
   *
   * @throws IllegalArgumentException if the database does not hold the vector data set
   */
  public static VectorCatalog of(DemoDatabase database) throws SQLException, IOException {
    if (!(database.dataset() instanceof VectorDataset)) {
      throw new IllegalArgumentException("VectorCatalog needs the vector data set, got "
          + database.dataset().name());
    }
    String key = database.jdbcUrl() + "@" + database.manifest().createdAt();
    VectorCatalog c = CATALOGS.get(key);
    if (c == null) {
      synchronized (CATALOGS) {
        c = CATALOGS.get(key);
        if (c == null) {
          c = load(database, database.directory().resolve(database.dataset().name() + "-index"));
          CATALOGS.put(key, c);
        }
      }
    }
    return c;
  }

  /** Loads the vector tables from {@code database} and opens or builds their indexes in {@code indexDir}. */
  public static VectorCatalog load(DemoDatabase database, Path indexDir)
      throws SQLException, IOException {
    Objects.requireNonNull(indexDir, "indexDir");
    Map<String, VectorTable> tables = new LinkedHashMap<>();
    List<IndexReport> reports = new ArrayList<>();
    try (Connection c = database.connect()) {
      for (String name : VECTOR_TABLES) {
        List<Object[]> rows = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT ID, CATEGORY_ID, PRICE, " + VECTOR_COLUMN + " FROM " + name + " ORDER BY ID")) {
          while (rs.next()) {
            float[] v = toFloats(name, rs.getInt(1), rs.getArray(4));
            vectors.add(v);
            rows.add(new Object[] {rs.getInt(1), rs.getInt(2), rs.getInt(3), FloatVector.of(v)});
          }
        }
        if (rows.isEmpty()) {
          throw new SQLException("table " + name + " is empty; the vector data set is damaged");
        }
        int dim = vectors.get(0).length;
        VectorTable table = VectorTable.of(name, List.of(
            VectorTable.Column.scalar("ID", SqlTypeName.INTEGER),
            VectorTable.Column.scalar("CATEGORY_ID", SqlTypeName.INTEGER),
            VectorTable.Column.scalar("PRICE", SqlTypeName.INTEGER),
            VectorTable.Column.vector(VECTOR_COLUMN, dim)), rows);
        float[][] array = vectors.toArray(new float[0][]);
        long t0 = System.nanoTime();
        LuceneHnswIndex hnsw = LuceneHnswIndex.openOrBuild(indexDir.resolve(name + ".hnsw"),
            VectorMetric.COSINE, array);
        reports.add(new IndexReport(name, hnsw.describe(), hnsw.rebuilt(),
            (System.nanoTime() - t0) / 1_000_000));
        t0 = System.nanoTime();
        IvfFlatIndex ivf = IvfFlatIndex.openOrBuild(indexDir.resolve(name + ".ivf"),
            VectorMetric.COSINE, array);
        reports.add(new IndexReport(name, ivf.describe(), ivf.rebuilt(),
            (System.nanoTime() - t0) / 1_000_000));
        tables.put(name, table.withIndex(VECTOR_COLUMN, hnsw).withIndex(VECTOR_COLUMN, ivf));
      }
      H2VectorFunctions.createAliases(c);
    }
    return new VectorCatalog(Map.copyOf(tables), List.copyOf(reports));
  }

  private static float[] toFloats(String table, int id, Array array) throws SQLException {
    Object[] values = (Object[]) array.getArray();
    float[] v = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] instanceof Number n) || !Float.isFinite(n.floatValue())) {
        throw new SQLException("table " + table + ", ID " + id + ": " + VECTOR_COLUMN
            + " must hold finite numbers, got " + values[i] + " at index " + i);
      }
      v[i] = n.floatValue();
    }
    return v;
  }

  /** Returns the vector table {@code name}. */
  public VectorTable table(String name) {
    VectorTable t = tables.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no vector table " + name + "; the tables are "
          + tables.keySet());
    }
    return t;
  }

  /** Returns the indexes of a table's vector column. */
  public List<VectorIndex> indexes(String table) {
    VectorTable t = table(table);
    return t.indexes(t.columnIndex(VECTOR_COLUMN));
  }

  /** Returns what opening each index did. */
  public List<IndexReport> reports() {
    return reports;
  }

  /** Adds the vector tables and the distance functions to {@code schema}. */
  public void mount(SchemaPlus schema) {
    mount(schema, java.util.function.UnaryOperator.identity());
  }

  /**
   * Adds views of the vector tables ({@code view} applied to each, e.g. one index kind only)
   * and the distance functions to {@code schema}.
   */
  public void mount(SchemaPlus schema, java.util.function.UnaryOperator<VectorTable> view) {
    for (Map.Entry<String, VectorTable> e : tables.entrySet()) {
      schema.add(e.getKey(), view.apply(e.getValue()));
    }
    VectorFunctions.register(schema);
  }
}
