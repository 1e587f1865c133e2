package dev.learnedcost.examples.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The shape of one generated table: columns, primary key and secondary indexes, and the SQL
 * that creates and fills it.
 *
 * @param name upper-case table name
 * @param columns columns in insert order
 * @param primaryKey primary-key columns, at least one
 * @param indexes secondary indexes, created after the data is loaded
 */
public record TableDefinition(
    String name,
    List<ColumnDefinition> columns,
    List<String> primaryKey,
    List<IndexDefinition> indexes) {

  /** Validates that every key and index column exists. */
  public TableDefinition {
    name = SqlNames.checkIdentifier("table name", name);
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " needs at least one column");
    }
    Set<String> names = new HashSet<>();
    for (ColumnDefinition c : columns) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("table " + name + " repeats column " + c.name());
      }
    }
    primaryKey = primaryKey.stream().map(c -> SqlNames.checkIdentifier("key column", c)).toList();
    if (primaryKey.isEmpty()) {
      throw new IllegalArgumentException("table " + name + " needs a primary key");
    }
    indexes = List.copyOf(indexes);
    for (String c : primaryKey) {
      requireColumn(name, names, c, "primary key");
    }
    for (IndexDefinition index : indexes) {
      for (String c : index.columns()) {
        requireColumn(name, names, c, "index " + index.name());
      }
    }
  }

  private static void requireColumn(String table, Set<String> names, String column, String use) {
    if (!names.contains(column)) {
      throw new IllegalArgumentException(
          use + " of table " + table + " names column " + column + ", which the table lacks");
    }
  }

  /** Returns {@code CREATE TABLE} with the primary key inline. */
  public String createTableSql() {
    return "CREATE TABLE " + name + " ("
        + columns.stream().map(ColumnDefinition::ddl).collect(Collectors.joining(", "))
        + ", PRIMARY KEY (" + String.join(", ", primaryKey) + "))";
  }

  /** Returns the parameterised {@code INSERT} for all columns in order. */
  public String insertSql() {
    return "INSERT INTO " + name + " ("
        + columns.stream().map(ColumnDefinition::name).collect(Collectors.joining(", "))
        + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)";
  }

  /** Returns one {@code CREATE INDEX} per secondary index. */
  public List<String> createIndexSql() {
    return indexes.stream()
        .map(i -> "CREATE INDEX " + i.name() + " ON " + name
            + " (" + String.join(", ", i.columns()) + ")")
        .toList();
  }
}
