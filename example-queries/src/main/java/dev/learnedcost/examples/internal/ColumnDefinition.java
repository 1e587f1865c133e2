package dev.learnedcost.examples.internal;

import java.util.Locale;
import java.util.Objects;

/**
 * One column of a generated table.
 *
 * @param name upper-case SQL name
 * @param kind how values are bound
 * @param sqlType the SQL type in the {@code CREATE TABLE} statement, e.g. {@code DECIMAL(15,2)}
 * @param nullable whether the column admits {@code NULL}
 */
public record ColumnDefinition(String name, ColumnKind kind, String sqlType, boolean nullable) {

  /** Validates and upper-cases the name. */
  public ColumnDefinition {
    name = SqlNames.checkIdentifier("column name", name);
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sqlType, "sqlType");
  }

  /** A {@code NOT NULL} column. */
  public static ColumnDefinition of(String name, ColumnKind kind, String sqlType) {
    return new ColumnDefinition(name, kind, sqlType, false);
  }

  /** A {@code NOT NULL BIGINT} column. */
  public static ColumnDefinition bigint(String name) {
    return of(name, ColumnKind.BIGINT, "BIGINT");
  }

  /** A {@code NOT NULL INTEGER} column. */
  public static ColumnDefinition integer(String name) {
    return of(name, ColumnKind.INTEGER, "INTEGER");
  }

  /** A {@code NOT NULL DECIMAL(precision, scale)} column. */
  public static ColumnDefinition decimal(String name, int precision, int scale) {
    return of(name, ColumnKind.DECIMAL, "DECIMAL(" + precision + "," + scale + ")");
  }

  /** A {@code NOT NULL DATE} column. */
  public static ColumnDefinition date(String name) {
    return of(name, ColumnKind.DATE, "DATE");
  }

  /** A {@code NOT NULL VARCHAR(length)} column. */
  public static ColumnDefinition varchar(String name, int length) {
    return of(name, ColumnKind.VARCHAR, "VARCHAR(" + length + ")");
  }

  /** A {@code NOT NULL REAL ARRAY[dimension]} column: an embedding. */
  public static ColumnDefinition vector(String name, int dimension) {
    return of(name, ColumnKind.VECTOR, "REAL ARRAY[" + dimension + "]");
  }

  /** Returns this column's clause in a {@code CREATE TABLE} statement. */
  String ddl() {
    return name + " " + sqlType.toUpperCase(Locale.ROOT) + (nullable ? "" : " NOT NULL");
  }
}
