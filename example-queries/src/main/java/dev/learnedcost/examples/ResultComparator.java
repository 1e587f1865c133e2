package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.Values;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Compares two query results, and computes a stable hash of one.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Order: an ordered comparison (the query has a top-level {@code ORDER BY}, see
 *       {@link Query#ordered()}) compares row {@code i} with row {@code i}; an unordered one
 *       compares the results as multisets of rows. Given the query
 *       ({@link #compare(ResultTable, ResultTable, Query)}), rows tied under its {@code ORDER BY}
 *       may come in any order among themselves, and those tied at a {@code LIMIT} cut may
 *       differ outside the {@code ORDER BY} columns.</li>
 *   <li>Numbers compare by value: {@code BigDecimal 24.90} equals {@code 24.9}, {@code Long 15}
 *       equals {@code Integer 15}.</li>
 *   <li>Approximate columns: where either side's column is {@code FLOAT}, {@code REAL} or
 *       {@code DOUBLE} (or a value is a {@code Float} or {@code Double}), or both are
 *       {@code DECIMAL} with different scales, numbers are equal if
 *       {@code |a - b| <= tolerance * max(|a|, |b|)}; the default tolerance is
 *       {@value #DEFAULT_RELATIVE_TOLERANCE}. Summing the same doubles in another order changes
 *       the last bits (about 1e-16 relative), far inside it.</li>
 *   <li>{@code CHAR} columns compare without trailing blanks (SQL's PAD SPACE rule).</li>
 *   <li>Column labels are not compared (H2 and Calcite name unaliased expressions differently);
 *       column counts are.</li>
 * </ul>
 *
 * <p>Unordered comparison sorts both sides into a canonical order (approximate numbers rounded
 * to 9 significant digits) and walks them together. Two rows whose approximate values straddle
 * a rounding boundary can be misaligned by the sort and reported as a missing and an extra row;
 * with the default tolerance and 9 digits that needs values that differ in about the 9th
 * digit, which the tolerance then rejects anyway in all but contrived cases.
 *
 * <p>Cost: O(n log n) for n rows. Instances are immutable and thread-safe.
 */
public final class ResultComparator {

  /** The default relative tolerance for approximate numbers. */
  public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-9;

  private final double relativeTolerance;

  /** Creates a comparator with {@link #DEFAULT_RELATIVE_TOLERANCE}. */
  public ResultComparator() {
    this(DEFAULT_RELATIVE_TOLERANCE);
  }

  /**
   * Creates a comparator.
   *
   * @param relativeTolerance relative tolerance for approximate numbers, finite and in [0, 1)
   * @throws IllegalArgumentException if the tolerance is out of range
   */
  public ResultComparator(double relativeTolerance) {
    if (!(relativeTolerance >= 0 && relativeTolerance < 1)) {
      throw new IllegalArgumentException("relativeTolerance must be in [0, 1), got "
          + relativeTolerance);
    }
    this.relativeTolerance = relativeTolerance;
  }

  /** Returns the relative tolerance for approximate numbers. */
  public double relativeTolerance() {
    return relativeTolerance;
  }

  /**
   * Compares {@code actual} with {@code expected}.
   *
   * @param ordered whether row order matters (see {@link Query#ordered()})
   * @return equal, or the first difference with row, column and both values
   */
  public ResultComparison compare(ResultTable expected, ResultTable actual, boolean ordered) {
    return compare(expected, actual, ordered, null, -1);
  }

  /**
   * Compares {@code actual} with {@code expected}, both results of {@code query}: as multisets
   * when the query is not {@link Query#ordered() ordered}; otherwise row by row, except for rows
   * tied under its {@code ORDER BY}.
   *
   * <p>Ties: rows equal in every column the {@code ORDER BY} names may come in any order among
   * themselves (SQL leaves their order open), so each run of consecutive tied rows is compared
   * as a multiset, while the {@code ORDER BY} columns are compared row by row. When the query
   * also cuts its result ({@link Query#rowLimit()}) and both results hold exactly that many
   * rows, the last run of tied rows need agree only in the {@code ORDER BY} columns: which of
   * the rows tied at the cut are kept is open too. An item of the {@code ORDER BY} names a column when
   * it is a 1-based position or a (qualified, quoted or not) name equal, ignoring case, to
   * exactly one column label of {@code expected}; when any item names none (an expression, a
   * column left out of the select list), rows are compared strictly by position.
   *
   * @return equal, or the first difference with row, column and both values
   */
  public ResultComparison compare(ResultTable expected, ResultTable actual, Query query) {
    Objects.requireNonNull(query, "query");
    if (!query.ordered()) {
      return compare(expected, actual, false);
    }
    int[] keys = orderColumns(query.orderByItems(), Objects.requireNonNull(expected,
        "expected").columnNames());
    return compare(expected, actual, true, keys, query.rowLimit());
  }

  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
      "(?:(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\")\\s*\\.\\s*)*"
          + "([A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\")");

  /** Returns the result columns the items name, or null when one of them names none. */
  static int[] orderColumns(List<String> items, List<String> labels) {
    if (items.isEmpty()) {
      return null;
    }
    int[] keys = new int[items.size()];
    for (int k = 0; k < keys.length; k++) {
      String item = items.get(k);
      if (item.chars().allMatch(Character::isDigit) && item.length() <= 4) {
        int position = Integer.parseInt(item);
        if (position < 1 || position > labels.size()) {
          return null;
        }
        keys[k] = position - 1;
        continue;
      }
      java.util.regex.Matcher m = NAME.matcher(item);
      if (!m.matches()) {
        return null;
      }
      String name = m.group(1).replace("\"", "");
      int found = -1;
      for (int c = 0; c < labels.size(); c++) {
        if (labels.get(c).equalsIgnoreCase(name)) {
          if (found >= 0) {
            return null;
          }
          found = c;
        }
      }
      if (found < 0) {
        return null;
      }
      keys[k] = found;
    }
    return keys;
  }

  private ResultComparison compare(ResultTable expected, ResultTable actual, boolean ordered,
      int[] orderKeys, long rowLimit) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(actual, "actual");
    if (expected.columnCount() != actual.columnCount()) {
      return ResultComparison.different("column count differs: expected "
              + expected.columnCount() + " " + expected.columnNames() + ", actual "
              + actual.columnCount() + " " + actual.columnNames(),
          new ResultComparison.Difference(ResultComparison.Kind.COLUMN_COUNT, -1, -1, null,
              expected.columnCount(), actual.columnCount()));
    }
    int columns = expected.columnCount();
    boolean[] approximate = new boolean[columns];
    boolean[] fixedChar = new boolean[columns];
    for (int c = 0; c < columns; c++) {
      ResultTable.Column e = expected.columns().get(c);
      ResultTable.Column a = actual.columns().get(c);
      approximate[c] = e.isFloatingPoint() || a.isFloatingPoint()
          || (e.isDecimal() && a.isDecimal() && e.scale() != a.scale());
      fixedChar[c] = e.isFixedChar() || a.isFixedChar();
    }
    Rows rows = new Rows(approximate, fixedChar, relativeTolerance);
    if (!ordered) {
      return compareUnordered(expected, expected.rows(), actual.rows(), rows);
    }
    return orderKeys == null
        ? compareOrdered(expected, actual, rows)
        : compareTies(expected, actual, rows, orderKeys, rowLimit);
  }

  private static ResultComparison compareTies(ResultTable expected, ResultTable actual,
      Rows rows, int[] keys, long rowLimit) {
    List<List<Object>> e = expected.rows();
    List<List<Object>> a = actual.rows();
    int common = Math.min(e.size(), a.size());
    for (int r = 0; r < common; r++) {
      int c = rows.firstDifference(e.get(r), a.get(r), keys);
      if (c >= 0) {
        return valueDifference(expected, r, c, e.get(r), a.get(r), "row " + r
            + " (an ORDER BY column)");
      }
    }
    boolean openCut = rowLimit >= 0 && e.size() == rowLimit && a.size() == rowLimit;
    int start = 0;
    while (start < common) {
      int end = start + 1;
      while (end < common && rows.firstDifference(e.get(start), e.get(end), keys) < 0) {
        end++;
      }
      if (end - start == 1 && !(openCut && end == common)) {
        int c = rows.firstDifference(e.get(start), a.get(start));
        if (c >= 0) {
          return valueDifference(expected, start, c, e.get(start), a.get(start), "row " + start);
        }
      } else if (!(openCut && end == common)) {
        ResultComparison group = compareUnordered(expected, e.subList(start, end),
            a.subList(start, end), rows);
        if (!group.equal()) {
          return ResultComparison.different("rows " + start + " to " + (end - 1) + ", tied under"
              + " the ORDER BY: " + group.description(), group.firstDifference().orElseThrow());
        }
      }
      start = end;
    }
    ResultComparison size = sizeDifference(expected, actual, common);
    return size.equal()
        ? ResultComparison.equal(size.description() + ", rows tied under the ORDER BY unordered")
        : size;
  }

  private static ResultComparison compareOrdered(ResultTable expected, ResultTable actual,
      Rows rows) {
    int common = Math.min(expected.rowCount(), actual.rowCount());
    for (int r = 0; r < common; r++) {
      List<Object> e = expected.rows().get(r);
      List<Object> a = actual.rows().get(r);
      int c = rows.firstDifference(e, a);
      if (c >= 0) {
        return valueDifference(expected, r, c, e, a, "row " + r);
      }
    }
    return sizeDifference(expected, actual, common);
  }

  private static ResultComparison compareUnordered(ResultTable expected,
      List<List<Object>> expectedRows, List<List<Object>> actualRows, Rows rows) {
    List<List<Object>> e = new ArrayList<>(expectedRows);
    List<List<Object>> a = new ArrayList<>(actualRows);
    e.sort(rows);
    a.sort(rows);
    List<Integer> missing = new ArrayList<>();
    List<Integer> extra = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < e.size() && j < a.size()) {
      if (rows.firstDifference(e.get(i), a.get(j)) < 0) {
        i++;
        j++;
        continue;
      }
      int order = rows.compare(e.get(i), a.get(j));
      if (order == 0) {
        // Same canonical position, yet unequal: a value differs beyond the tolerance.
        int c = rows.firstDifference(e.get(i), a.get(j));
        return valueDifference(expected, i, c, e.get(i), a.get(j), "a row (sorted position "
            + i + ")");
      }
      if (order < 0) {
        missing.add(i++);
      } else {
        extra.add(j++);
      }
    }
    while (i < e.size()) {
      missing.add(i++);
    }
    while (j < a.size()) {
      extra.add(j++);
    }
    if (missing.isEmpty() && extra.isEmpty()) {
      return ResultComparison.equal("equal: " + e.size() + " rows, "
          + expected.columnCount() + " columns, unordered");
    }
    String counts = "expected " + e.size() + " rows, actual " + a.size()
        + "; " + missing.size() + " expected row(s) without an equal actual row, "
        + extra.size() + " actual row(s) without an equal expected row";
    if (missing.size() == extra.size()) {
      // As many rows lost as gained: most likely values changed; show the first pair.
      int m = missing.get(0);
      List<Object> lost = e.get(m);
      List<Object> gained = a.get(extra.get(0));
      int c = rows.firstDifference(lost, gained);
      if (c < 0) {
        // The canonical sort misaligned equal rows (see the class comment): report the row.
        return ResultComparison.different(counts + "; first unmatched: " + Values.display(lost),
            new ResultComparison.Difference(ResultComparison.Kind.MISSING_ROW, m, -1, null,
                lost, null));
      }
      String columnName = expected.columns().get(c).name();
      return ResultComparison.different(counts + "; first: column " + c + " (" + columnName
              + ") expected " + Values.display(lost.get(c)) + ", actual "
              + Values.display(gained.get(c)) + "; expected row " + Values.display(lost)
              + ", actual row " + Values.display(gained),
          new ResultComparison.Difference(ResultComparison.Kind.VALUE, m, c, columnName,
              lost.get(c), gained.get(c)));
    }
    if (missing.size() > extra.size()) {
      int m = missing.get(0);
      return ResultComparison.different(counts + "; first missing: " + Values.display(e.get(m)),
          new ResultComparison.Difference(ResultComparison.Kind.MISSING_ROW, m, -1, null,
              e.get(m), null));
    }
    int x = extra.get(0);
    return ResultComparison.different(counts + "; first unexpected: " + Values.display(a.get(x)),
        new ResultComparison.Difference(ResultComparison.Kind.EXTRA_ROW, x, -1, null, null,
            a.get(x)));
  }

  private static ResultComparison valueDifference(ResultTable expected, int row, int column,
      List<Object> e, List<Object> a, String where) {
    String columnName = expected.columns().get(column).name();
    return ResultComparison.different(where + ", column " + column + " (" + columnName
            + "): expected " + Values.display(e.get(column)) + ", actual "
            + Values.display(a.get(column)) + "; expected row " + Values.display(e)
            + ", actual row " + Values.display(a),
        new ResultComparison.Difference(ResultComparison.Kind.VALUE, row, column, columnName,
            e.get(column), a.get(column)));
  }

  private static ResultComparison sizeDifference(ResultTable expected, ResultTable actual,
      int common) {
    List<List<Object>> e = expected.rows();
    List<List<Object>> a = actual.rows();
    int i = common;
    int j = common;
    if (e.size() == a.size()) {
      return ResultComparison.equal("equal: " + expected.rowCount() + " rows, "
          + expected.columnCount() + " columns, ordered");
    }
    String counts = "expected " + e.size() + " rows, actual " + a.size();
    if (e.size() > a.size()) {
      return ResultComparison.different(counts + "; row " + i + " missing from actual: "
              + Values.display(e.get(i)),
          new ResultComparison.Difference(ResultComparison.Kind.MISSING_ROW, i, -1, null,
              e.get(i), null));
    }
    return ResultComparison.different(counts + "; unexpected row " + j + " in actual: "
            + Values.display(a.get(j)),
        new ResultComparison.Difference(ResultComparison.Kind.EXTRA_ROW, j, -1, null, null,
            a.get(j)));
  }

  /**
   * Returns a stable hash of a result: the hex SHA-256 of a canonical text in which numbers are
   * written by value (approximate ones, in {@code FLOAT}/{@code REAL}/{@code DOUBLE} columns
   * or as {@code Float}/{@code Double} values, rounded to 9 significant digits), {@code CHAR}
   * values without trailing blanks, and rows sorted unless {@code ordered}. Column labels and
   * types are not part of it.
   *
   * <p>Results that {@link #compare} finds equal hash alike, except approximate numbers that
   * round to different 9-digit values, and exact decimals compared approximately because the
   * two sides' scales differ.
   *
   * @param ordered whether row order matters (see {@link Query#ordered()})
   * @return 64 lower-case hex digits
   */
  public static String hash(ResultTable table, boolean ordered) {
    Objects.requireNonNull(table, "table");
    int columns = table.columnCount();
    List<String> lines = new ArrayList<>(table.rowCount());
    for (List<Object> row : table.rows()) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        ResultTable.Column column = table.columns().get(c);
        line.append(c == 0 ? "" : "|")
            .append(Values.canonical(row.get(c), column.isFloatingPoint(), column.isFixedChar()));
      }
      lines.add(line.toString());
    }
    if (!ordered) {
      lines.sort(Comparator.naturalOrder());
    }
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
    digest.update(("columns=" + columns + "\n").getBytes(StandardCharsets.UTF_8));
    for (String line : lines) {
      digest.update(line.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Row equality and canonical row order under per-column rules. */
  private static final class Rows implements Comparator<List<Object>> {
    private final boolean[] approximate;
    private final boolean[] fixedChar;
    private final double tolerance;

    Rows(boolean[] approximate, boolean[] fixedChar, double tolerance) {
      this.approximate = approximate;
      this.fixedChar = fixedChar;
      this.tolerance = tolerance;
    }

    /** Returns the first column whose values differ, or -1 if the rows are equal. */
    int firstDifference(List<Object> e, List<Object> a) {
      for (int c = 0; c < approximate.length; c++) {
        if (!Values.equal(e.get(c), a.get(c), approximate[c], fixedChar[c], tolerance)) {
          return c;
        }
      }
      return -1;
    }

    /** Returns the first of {@code columns} whose values differ, or -1 if none does. */
    int firstDifference(List<Object> e, List<Object> a, int[] columns) {
      for (int c : columns) {
        if (!Values.equal(e.get(c), a.get(c), approximate[c], fixedChar[c], tolerance)) {
          return c;
        }
      }
      return -1;
    }

    @Override
    public int compare(List<Object> x, List<Object> y) {
      for (int c = 0; c < approximate.length; c++) {
        int order = Values.compare(x.get(c), y.get(c), approximate[c], fixedChar[c]);
        if (order != 0) {
          return order;
        }
      }
      return 0;
    }
  }
}
