package dev.learnedcost.calcite.vector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * An in-memory table with vector columns and their indexes: the rows of a database table
 * (vectors as {@link FloatVector}), loaded once, so that an index scan can fetch its candidates
 * by row id. The row at position {@code i} has row id {@code i}.
 *
 * <p>Design notes: a vector database keeps its vectors in memory; the table's statistic holds
 * the true row count, so the planner prices the exact plan by it. The table is immutable: when
 * the data changes, its owner builds a new table (and rebuilds or reopens the indexes). Planned
 * as a {@link VectorTableScan}, which registers {@link VectorIndexRule} with the planner.
 */
public final class VectorTable extends AbstractTable implements ScannableTable, TranslatableTable {

  /**
   * A column.
   *
   * @param name upper-case name
   * @param type the SQL type: INTEGER, BIGINT, DOUBLE, VARCHAR, or REAL for a vector column
   * @param dimension the vector dimension for a vector column, 0 for a scalar column
   */
  public record Column(String name, SqlTypeName type, int dimension) {
    /** Validates the column. */
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (dimension < 0) {
        throw new IllegalArgumentException("column " + name + ": dimension must be >= 0, got "
            + dimension);
      }
      if (dimension > 0 && type != SqlTypeName.REAL) {
        throw new IllegalArgumentException("column " + name + ": a vector column has type REAL,"
            + " got " + type);
      }
      if (dimension == 0 && !List.of(SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DOUBLE,
          SqlTypeName.VARCHAR).contains(type)) {
        throw new IllegalArgumentException("column " + name + ": type must be INTEGER, BIGINT,"
            + " DOUBLE or VARCHAR, got " + type);
      }
    }

    /** A scalar column. */
    public static Column scalar(String name, SqlTypeName type) {
      return new Column(name, type, 0);
    }

    /** A vector column of {@code dimension} REAL values. */
    public static Column vector(String name, int dimension) {
      if (dimension < 1) {
        throw new IllegalArgumentException("column " + name + ": dimension must be >= 1, got "
            + dimension);
      }
      return new Column(name, SqlTypeName.REAL, dimension);
    }

    /** Whether this is a vector column. */
    public boolean isVector() {
      return dimension > 0;
    }
  }

  private final String name;
  private final List<Column> columns;
  private final List<Object[]> rows;
  private final Map<Integer, List<VectorIndex>> indexes;
  private final boolean exactScanPriced;

  private VectorTable(String name, List<Column> columns, List<Object[]> rows,
      Map<Integer, List<VectorIndex>> indexes, boolean exactScanPriced) {
    this.name = name;
    this.columns = columns;
    this.rows = rows;
    this.indexes = indexes;
    this.exactScanPriced = exactScanPriced;
  }

  /**
   * Creates a table. Rows are not copied; the caller must not change them afterwards.
   *
   * @param name the table's name, for messages and plans
   * @param columns the columns, at least one vector column
   * @param rows rows of {@code columns.size()} non-null values: Integer, Long, Double, String,
   *     and {@link FloatVector} of the column's dimension for vector columns
   * @throws IllegalArgumentException if a row does not match the columns
   */
  public static VectorTable of(String name, List<Column> columns, List<Object[]> rows) {
    List<Column> cols = List.copyOf(columns);
    for (int r = 0; r < rows.size(); r++) {
      Object[] row = rows.get(r);
      if (row.length != cols.size()) {
        throw new IllegalArgumentException("table " + name + ": row " + r + " has " + row.length
            + " values, the table has " + cols.size() + " columns");
      }
      for (int c = 0; c < cols.size(); c++) {
        Column col = cols.get(c);
        if (col.isVector() && !(row[c] instanceof FloatVector v && v.size() == col.dimension())) {
          throw new IllegalArgumentException("table " + name + ": column " + col.name()
              + " must hold vectors of dimension " + col.dimension() + ", row " + r + " holds "
              + (row[c] instanceof List<?> l ? "dimension " + l.size() : String.valueOf(row[c])));
        }
      }
    }
    return new VectorTable(name, cols, List.copyOf(rows), Map.of(), true);
  }

  /**
   * Returns a table with {@code index} added on vector column {@code column}.
   *
   * @throws IllegalArgumentException if the column is not a vector column or the index's
   *     dimension or size differ from the column's and the table's
   */
  public VectorTable withIndex(String column, VectorIndex index) {
    int c = columnIndex(column);
    Column col = columns.get(c);
    if (!col.isVector()) {
      throw new IllegalArgumentException("table " + name + ": column " + column
          + " is not a vector column");
    }
    if (index.dimension() != col.dimension() || index.size() != rows.size()) {
      throw new IllegalArgumentException("table " + name + ": index " + index.describe()
          + " has dimension " + index.dimension() + " and " + index.size() + " rows; column "
          + column + " has dimension " + col.dimension() + " and the table " + rows.size()
          + " rows; rebuild the index");
    }
    Map<Integer, List<VectorIndex>> map = new HashMap<>(indexes);
    List<VectorIndex> list = new ArrayList<>(map.getOrDefault(c, List.of()));
    list.add(index);
    map.put(c, List.copyOf(list));
    return new VectorTable(name, columns, rows, Map.copyOf(map), exactScanPriced);
  }

  /**
   * Returns a view of this table (same rows) that keeps only the indexes of the given kinds:
   * with none, the planner has only the exact plan. For measuring one plan against another.
   */
  public VectorTable withIndexKinds(java.util.Set<VectorIndex.Kind> kinds) {
    Map<Integer, List<VectorIndex>> map = new HashMap<>();
    for (Map.Entry<Integer, List<VectorIndex>> e : indexes.entrySet()) {
      List<VectorIndex> kept = e.getValue().stream().filter(i -> kinds.contains(i.kind())).toList();
      if (!kept.isEmpty()) {
        map.put(e.getKey(), kept);
      }
    }
    return new VectorTable(name, columns, rows, Map.copyOf(map), exactScanPriced);
  }

  /**
   * Returns a view of this table (same rows and indexes) whose exact scan costs
   * {@code makeHugeCost()}, so that the planner uses an index plan wherever the rule offers
   * one. For measuring index plans; never for serving queries.
   */
  public VectorTable withExactScanDiscouraged() {
    return new VectorTable(name, columns, rows, indexes, false);
  }

  /** Whether the exact scan is priced normally (false for {@link #withExactScanDiscouraged}). */
  public boolean exactScanPriced() {
    return exactScanPriced;
  }

  /** Returns the table's name. */
  public String name() {
    return name;
  }

  /** Returns the columns. */
  public List<Column> columns() {
    return columns;
  }

  /** Returns the position of a column. */
  public int columnIndex(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equalsIgnoreCase(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException("table " + name + " has no column " + column);
  }

  /** Returns the indexes on the column at {@code position} (empty if none). */
  public List<VectorIndex> indexes(int position) {
    return indexes.getOrDefault(position, List.of());
  }

  /** Returns the number of rows. */
  public int rowCount() {
    return rows.size();
  }

  /** Returns the row with id {@code id}; the caller must not modify it. */
  public Object[] row(int id) {
    return rows.get(id);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder b = typeFactory.builder();
    for (Column c : columns) {
      RelDataType t = c.isVector()
          ? typeFactory.createArrayType(typeFactory.createSqlType(SqlTypeName.REAL), -1)
          : c.type() == SqlTypeName.VARCHAR
              ? typeFactory.createSqlType(SqlTypeName.VARCHAR, 200)
              : typeFactory.createSqlType(c.type());
      b.add(c.name(), t);
    }
    return b.build();
  }

  @Override
  public Statistic getStatistic() {
    return Statistics.of(rows.size(), List.of());
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    return rows();
  }

  /** Returns every row in row-id order (what {@link VectorTableScan} runs). */
  public Enumerable<Object[]> rows() {
    return Linq4j.asEnumerable(rows);
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return VectorTableScan.create(context.getCluster(), relOptTable);
  }

  @Override
  public String toString() {
    return "VectorTable(" + name + ", " + rows.size() + " rows)";
  }
}
