package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.SqlText;
import java.util.Objects;

/**
 * One SQL query, as loaded by {@link QueryCatalog}.
 *
 * <p>Conventions of the text: one statement, no terminating {@code ;}, table names unqualified
 * (the runner sets the default schema: H2's {@code PUBLIC}, or the name under which Calcite
 * mounts the data set), identifiers unquoted (both H2 and Calcite's default lexical policy
 * upper-case them, matching the upper-case names of the generated tables). Comments are kept.
 *
 * @param name the file name without {@code .sql}, e.g. {@code q01}
 * @param sql the statement text; a terminating {@code ;} is removed
 * @param source where it came from: {@code classpath:queries/tpch/q01.sql} or a file path
 * @param h2Sql the text H2 runs when it differs from {@code sql} (TPC-DS instances, see
 *     {@link dev.learnedcost.examples.tpcds.TpcdsDialect}); {@code sql} when null
 */
public record Query(String name, String sql, String source, String h2Sql) {

  /** A query that H2 and Calcite run with the same text. */
  public Query(String name, String sql, String source) {
    this(name, sql, source, null);
  }

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code sql} is blank or holds several statements
   */
  public Query {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(source, "source");
    SqlText text = SqlText.of(sql);
    if (text.isBlank()) {
      throw new IllegalArgumentException("query " + name + " from " + source
          + " is empty (only whitespace and comments)");
    }
    if (text.hasSeveralStatements()) {
      throw new IllegalArgumentException("query " + name + " from " + source
          + " holds more than one statement (';' on line " + text.firstSemicolonLine()
          + "); put one query per file");
    }
    sql = text.withoutTerminator();
    h2Sql = h2Sql == null ? sql : SqlText.of(h2Sql).withoutTerminator();
  }

  /**
   * Returns whether the result's row order is part of the answer: the statement has an
   * {@code ORDER BY} outside every subquery. {@link ResultComparator} compares ordered results
   * row by row and others as multisets.
   */
  public boolean ordered() {
    return SqlText.of(sql).hasTopLevelOrderBy();
  }

  /**
   * Returns the items of the top-level {@code ORDER BY} as written, without {@code ASC},
   * {@code DESC} and {@code NULLS FIRST|LAST} ({@code ["channel", "id"]} for
   * {@code ORDER BY channel, id DESC LIMIT 100}); empty when the result is not ordered.
   * {@link ResultComparator#compare(ResultTable, ResultTable, Query)} resolves them to result
   * columns to tell rows tied under the {@code ORDER BY} apart from rows out of order.
   */
  public java.util.List<String> orderByItems() {
    return java.util.List.copyOf(SqlText.of(sql).orderByItems());
  }

  /**
   * Returns the row count the statement cuts its result to outside every subquery
   * ({@code LIMIT n}, {@code FETCH FIRST n ROWS ONLY}), or -1 when it does not cut it or the
   * count is not a literal: rows tied under the {@code ORDER BY} at the cut may differ between
   * engines.
   */
  public long rowLimit() {
    return SqlText.of(sql).topLevelLimit();
  }
}
