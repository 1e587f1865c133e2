package dev.learnedcost.examples;

import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A query result held in memory: column descriptions and rows of plain Java values, engine
 * independent so that results from H2 and from Calcite can be compared.
 *
 * <p>Values are normalised on construction: {@link java.sql.Date}, {@link Time} and
 * {@link Timestamp} become {@link java.time.LocalDate}, {@link java.time.LocalTime} and
 * {@link java.time.LocalDateTime}; everything else is kept as the driver returned it
 * ({@code Long}, {@code Integer}, {@code BigDecimal}, {@code Double}, {@code String}...).
 * {@code null} stands for SQL NULL.
 *
 * @param columns the columns, in order; at least one
 * @param rows the rows, each with one value per column; unmodifiable
 */
public record ResultTable(List<Column> columns, List<List<Object>> rows) {

  /**
   * One result column.
   *
   * @param name the column label as the engine reports it (H2 and Calcite upper-case unquoted
   *     aliases)
   * @param type the JDBC type; {@link JDBCType#OTHER} for vendor types
   * @param scale digits after the decimal point for {@code DECIMAL}/{@code NUMERIC}, else 0
   */
  public record Column(String name, JDBCType type, int scale) {
    /** Validates the components. */
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }

    /** Returns whether values are approximate: {@code FLOAT}, {@code REAL} or {@code DOUBLE}. */
    public boolean isFloatingPoint() {
      return type == JDBCType.FLOAT || type == JDBCType.REAL || type == JDBCType.DOUBLE;
    }

    /** Returns whether values are exact decimals: {@code DECIMAL} or {@code NUMERIC}. */
    public boolean isDecimal() {
      return type == JDBCType.DECIMAL || type == JDBCType.NUMERIC;
    }

    /** Returns whether values are blank-padded strings: {@code CHAR} or {@code NCHAR}. */
    public boolean isFixedChar() {
      return type == JDBCType.CHAR || type == JDBCType.NCHAR;
    }
  }

  /**
   * Copies and normalises the rows.
   *
   * @throws IllegalArgumentException if there is no column or a row's length differs from the
   *     column count
   */
  public ResultTable {
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a result needs at least one column");
    }
    List<List<Object>> copy = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = rows.get(r);
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException("row " + r + " has " + row.size()
            + " values, the result has " + columns.size() + " columns");
      }
      Object[] values = row.toArray();
      for (int c = 0; c < values.length; c++) {
        values[c] = normalize(values[c]);
      }
      copy.add(Collections.unmodifiableList(Arrays.asList(values)));
    }
    rows = Collections.unmodifiableList(copy);
  }

  /**
   * Reads all remaining rows of {@code resultSet}; the caller closes it.
   *
   * @throws SQLException if reading fails
   */
  public static ResultTable read(ResultSet resultSet) throws SQLException {
    ResultSetMetaData meta = resultSet.getMetaData();
    int count = meta.getColumnCount();
    List<Column> columns = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      JDBCType type = jdbcType(meta.getColumnType(i));
      int scale = type == JDBCType.DECIMAL || type == JDBCType.NUMERIC ? meta.getScale(i) : 0;
      columns.add(new Column(meta.getColumnLabel(i), type, scale));
    }
    List<List<Object>> rows = new ArrayList<>();
    while (resultSet.next()) {
      Object[] row = new Object[count];
      for (int i = 1; i <= count; i++) {
        row[i - 1] = resultSet.getObject(i);
      }
      rows.add(Arrays.asList(row));
    }
    return new ResultTable(columns, rows);
  }

  private static JDBCType jdbcType(int code) {
    try {
      return JDBCType.valueOf(code);
    } catch (IllegalArgumentException vendorType) {
      return JDBCType.OTHER;
    }
  }

  private static Object normalize(Object value) {
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof Timestamp timestamp) {
      return timestamp.toLocalDateTime();
    }
    if (value instanceof Time time) {
      return time.toLocalTime();
    }
    return value;
  }

  /** Returns the number of rows. */
  public int rowCount() {
    return rows.size();
  }

  /** Returns the number of columns. */
  public int columnCount() {
    return columns.size();
  }

  /** Returns the column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }
}
