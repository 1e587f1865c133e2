package dev.learnedcost.examples;

import java.util.Optional;

/**
 * The outcome of {@link ResultComparator#compare}: equal, or the first difference found.
 *
 * @param equal whether the results are equal under the comparator's rules
 * @param description one line: {@code "equal: 4 rows, 10 columns"} or what differs, with row,
 *     column and both values
 * @param firstDifference the first difference, empty when equal
 */
public record ResultComparison(
    boolean equal, String description, Optional<Difference> firstDifference) {

  /** What kind of difference was found first. */
  public enum Kind {
    /** The results have different numbers of columns; nothing else was compared. */
    COLUMN_COUNT,
    /** A value differs: the same row position (ordered) or a row matched by its other values. */
    VALUE,
    /** A row of the expected result has no equal row in the actual result. */
    MISSING_ROW,
    /** A row of the actual result has no equal row in the expected result. */
    EXTRA_ROW
  }

  /**
   * One difference.
   *
   * @param kind what differs
   * @param row 0-based row: for ordered results the position in both; for unordered results
   *     the position in the expected (for {@code EXTRA_ROW}: actual) result sorted into the
   *     comparator's canonical order; -1 for {@code COLUMN_COUNT}
   * @param column 0-based column for {@code VALUE}, else -1
   * @param columnName the expected result's label of {@code column}, or {@code null}
   * @param expected the expected value (for {@code MISSING_ROW}: the row, for
   *     {@code COLUMN_COUNT}: the count), or {@code null}
   * @param actual the actual value, row or count, or {@code null}
   */
  public record Difference(
      Kind kind, int row, int column, String columnName, Object expected, Object actual) {
  }

  static ResultComparison equal(String description) {
    return new ResultComparison(true, description, Optional.empty());
  }

  static ResultComparison different(String description, Difference difference) {
    return new ResultComparison(false, description, Optional.of(difference));
  }
}
