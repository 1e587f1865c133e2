package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResultComparatorTest {

  private static final ResultComparator COMPARATOR = new ResultComparator();
  private static final double TOLERANCE = ResultComparator.DEFAULT_RELATIVE_TOLERANCE;

  private static ResultTable.Column column(String name, JDBCType type) {
    return new ResultTable.Column(name, type, 0);
  }

  private static ResultTable.Column decimal(String name, int scale) {
    return new ResultTable.Column(name, JDBCType.DECIMAL, scale);
  }

  /** NATION-like rows: key, name, a DECIMAL(15,2) and a DOUBLE. */
  private static ResultTable sample(List<List<Object>> rows) {
    return new ResultTable(List.of(column("N_KEY", JDBCType.BIGINT),
        column("N_NAME", JDBCType.VARCHAR), decimal("BALANCE", 2),
        column("SHARE", JDBCType.DOUBLE)), rows);
  }

  private static List<List<Object>> sampleRows() {
    List<List<Object>> rows = new ArrayList<>();
    rows.add(Arrays.asList(1L, "ALGERIA", new BigDecimal("24.90"), 0.25));
    rows.add(Arrays.asList(2L, "BRAZIL", new BigDecimal("-3.10"), 0.5));
    rows.add(Arrays.asList(3L, "CANADA", null, 1.0 / 3));
    rows.add(Arrays.asList(4L, "EGYPT", new BigDecimal("100.00"), null));
    return rows;
  }

  private static List<List<Object>> shuffled(List<List<Object>> rows, long seed) {
    List<List<Object>> copy = new ArrayList<>(rows);
    Collections.shuffle(copy, new java.util.Random(seed));
    if (copy.equals(rows)) {
      Collections.reverse(copy);
    }
    return copy;
  }

  private static List<List<Object>> with(List<List<Object>> rows, int row, int column,
      Object value) {
    List<List<Object>> copy = new ArrayList<>();
    for (List<Object> r : rows) {
      copy.add(new ArrayList<>(r));
    }
    copy.get(row).set(column, value);
    return copy;
  }

  @Test
  void compare_sameRowsOtherOrder_equalUnorderedOnly() {
    ResultTable expected = sample(sampleRows());
    ResultTable actual = sample(shuffled(sampleRows(), 11));
    ResultComparison unordered = COMPARATOR.compare(expected, actual, false);
    assertTrue(unordered.equal(), unordered.description());
    assertEquals("equal: 4 rows, 4 columns, unordered", unordered.description());
    ResultComparison ordered = COMPARATOR.compare(expected, actual, true);
    assertFalse(ordered.equal());
    assertEquals(ResultComparison.Kind.VALUE, ordered.firstDifference().orElseThrow().kind());
  }

  @Test
  void compare_identicalOrdered_equal() {
    ResultComparison result =
        COMPARATOR.compare(sample(sampleRows()), sample(sampleRows()), true);
    assertTrue(result.equal(), result.description());
    assertTrue(result.firstDifference().isEmpty());
  }

  @Test
  void compare_oneChangedValue_describesRowColumnAndBothValues() {
    ResultTable expected = sample(sampleRows());
    ResultTable actual = sample(with(sampleRows(), 1, 2, new BigDecimal("-3.11")));
    ResultComparison ordered = COMPARATOR.compare(expected, actual, true);
    assertFalse(ordered.equal());
    ResultComparison.Difference d = ordered.firstDifference().orElseThrow();
    assertEquals(new ResultComparison.Difference(ResultComparison.Kind.VALUE, 1, 2, "BALANCE",
        new BigDecimal("-3.10"), new BigDecimal("-3.11")), d);
    assertEquals("row 1, column 2 (BALANCE): expected -3.10, actual -3.11; expected row"
        + " [2, 'BRAZIL', -3.10, 0.5], actual row [2, 'BRAZIL', -3.11, 0.5]",
        ordered.description());

    ResultComparison unordered =
        COMPARATOR.compare(expected, sample(shuffled(actual.rows(), 5)), false);
    assertFalse(unordered.equal());
    d = unordered.firstDifference().orElseThrow();
    assertEquals(ResultComparison.Kind.VALUE, d.kind());
    assertEquals(2, d.column());
    assertEquals(new BigDecimal("-3.10"), d.expected());
    assertEquals(new BigDecimal("-3.11"), d.actual());
    assertTrue(unordered.description().contains("column 2 (BALANCE) expected -3.10, actual -3.11"),
        unordered.description());
  }

  @Test
  void compare_missingRow_detectedInBothModes() {
    ResultTable expected = sample(sampleRows());
    List<List<Object>> fewer = new ArrayList<>(sampleRows());
    List<Object> removed = fewer.remove(2);
    ResultComparison ordered = COMPARATOR.compare(expected, sample(fewer), true);
    assertEquals(ResultComparison.Kind.VALUE, ordered.firstDifference().orElseThrow().kind(),
        "in order, row 2 now holds EGYPT");
    ResultComparison unordered = COMPARATOR.compare(expected, sample(shuffled(fewer, 3)), false);
    ResultComparison.Difference d = unordered.firstDifference().orElseThrow();
    assertEquals(ResultComparison.Kind.MISSING_ROW, d.kind());
    assertEquals(removed, d.expected());
    assertTrue(unordered.description().startsWith("expected 4 rows, actual 3; 1 expected row(s)"
        + " without an equal actual row, 0 actual row(s) without an equal expected row;"
        + " first missing: [3, 'CANADA', NULL, 0.3333333333333333]"), unordered.description());

    List<List<Object>> prefix = sampleRows().subList(0, 3);
    ResultComparison truncated = COMPARATOR.compare(expected, sample(prefix), true);
    assertEquals(new ResultComparison.Difference(ResultComparison.Kind.MISSING_ROW, 3, -1, null,
        sampleRows().get(3), null), truncated.firstDifference().orElseThrow());
  }

  @Test
  void compare_extraRow_detectedInBothModes() {
    List<List<Object>> more = new ArrayList<>(sampleRows());
    List<Object> extra = Arrays.asList(5L, "ETHIOPIA", new BigDecimal("7.00"), 0.1);
    more.add(extra);
    ResultComparison ordered =
        COMPARATOR.compare(sample(sampleRows()), sample(more), true);
    assertEquals(new ResultComparison.Difference(ResultComparison.Kind.EXTRA_ROW, 4, -1, null,
        null, extra), ordered.firstDifference().orElseThrow());
    assertEquals("expected 4 rows, actual 5; unexpected row 4 in actual:"
        + " [5, 'ETHIOPIA', 7.00, 0.1]", ordered.description());
    ResultComparison unordered =
        COMPARATOR.compare(sample(sampleRows()), sample(shuffled(more, 9)), false);
    assertEquals(ResultComparison.Kind.EXTRA_ROW,
        unordered.firstDifference().orElseThrow().kind());
    assertEquals(extra, unordered.firstDifference().orElseThrow().actual());
  }

  @Test
  void compare_duplicateRows_countAsAMultiset() {
    List<List<Object>> twice = new ArrayList<>(sampleRows());
    twice.add(sampleRows().get(0));
    List<List<Object>> otherTwice = new ArrayList<>(sampleRows());
    otherTwice.add(sampleRows().get(1));
    ResultComparison result = COMPARATOR.compare(sample(twice), sample(otherTwice), false);
    assertFalse(result.equal(), result.description());
  }

  @Test
  void compare_decimalsByValue_24_90Equals24_9() {
    ResultTable scale2 = new ResultTable(List.of(decimal("X", 2)),
        List.of(List.of(new BigDecimal("24.90"))));
    ResultTable scale1 = new ResultTable(List.of(decimal("X", 1)),
        List.of(List.of(new BigDecimal("24.9"))));
    assertTrue(COMPARATOR.compare(scale2, scale1, true).equal());
    ResultTable integer = new ResultTable(List.of(column("X", JDBCType.INTEGER)),
        List.of(List.of(15)));
    ResultTable bigint = new ResultTable(List.of(column("X", JDBCType.BIGINT)),
        List.of(List.of(15L)));
    ResultTable decimal = new ResultTable(List.of(decimal("X", 2)),
        List.of(List.of(new BigDecimal("15.00"))));
    assertTrue(COMPARATOR.compare(integer, bigint, true).equal());
    assertTrue(COMPARATOR.compare(bigint, decimal, true).equal());
  }

  @Test
  void compare_decimalsOfSameScale_exact() {
    ResultTable a = new ResultTable(List.of(decimal("X", 12)),
        List.of(List.of(new BigDecimal("1.000000000001"))));
    ResultTable b = new ResultTable(List.of(decimal("X", 12)),
        List.of(List.of(new BigDecimal("1.000000000002"))));
    assertFalse(COMPARATOR.compare(a, b, true).equal(), "a 1e-12 difference is a difference");
  }

  @Test
  void compare_decimalsOfOtherScales_withinTolerance() {
    // 300 / 7 as two engines round it: DECIMAL(38, 15) against DECIMAL(38, 21).
    ResultTable h2 = new ResultTable(List.of(decimal("X", 15)),
        List.of(List.of(new BigDecimal("42.857142857142857"))));
    ResultTable other = new ResultTable(List.of(decimal("X", 21)),
        List.of(List.of(new BigDecimal("42.857142857142857142857"))));
    assertTrue(COMPARATOR.compare(h2, other, true).equal());
    ResultTable off = new ResultTable(List.of(decimal("X", 6)),
        List.of(List.of(new BigDecimal("42.857143"))));
    assertFalse(COMPARATOR.compare(h2, off, true).equal(), "1e-8 relative is beyond 1e-9");
  }

  @Test
  void compare_doublesWithinRelativeTolerance_equal_beyond_notEqual() {
    long seed = 20240611L;
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 1000; i++) {
      double x = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-6, 12));
      double within = x * (1 + 0.5 * TOLERANCE);
      double beyond = x * (1 + 2 * TOLERANCE);
      ResultTable base = doubles(x);
      assertTrue(COMPARATOR.compare(base, doubles(within), true).equal(),
          "seed " + seed + ": " + x + " vs " + within);
      assertFalse(COMPARATOR.compare(base, doubles(beyond), true).equal(),
          "seed " + seed + ": " + x + " vs " + beyond);
    }
    assertTrue(COMPARATOR.compare(doubles(0.0), doubles(-0.0), true).equal());
    assertTrue(COMPARATOR.compare(doubles(Double.NaN), doubles(Double.NaN), true).equal());
    assertFalse(COMPARATOR.compare(doubles(0.0), doubles(1e-300), true).equal());
  }

  private static ResultTable doubles(double value) {
    return new ResultTable(List.of(column("D", JDBCType.DOUBLE)), List.of(List.of(value)));
  }

  @Test
  void compare_doubleColumnAgainstDecimalColumn_withinTolerance() {
    ResultTable decimal = new ResultTable(List.of(decimal("AVG_QTY", 2)),
        List.of(List.of(new BigDecimal("25.50"))));
    ResultTable dbl = new ResultTable(List.of(column("AVG_QTY", JDBCType.DOUBLE)),
        List.of(List.of(25.500000000001)));
    assertTrue(COMPARATOR.compare(decimal, dbl, true).equal());
  }

  @Test
  void compare_nullsAndCharPadding() {
    ResultTable nullValue = new ResultTable(List.of(column("X", JDBCType.INTEGER)),
        Collections.singletonList(Collections.singletonList(null)));
    ResultTable zero = new ResultTable(List.of(column("X", JDBCType.INTEGER)),
        List.of(List.of(0)));
    assertTrue(COMPARATOR.compare(nullValue, nullValue, true).equal());
    assertFalse(COMPARATOR.compare(nullValue, zero, true).equal());
    ResultTable padded = new ResultTable(List.of(column("S", JDBCType.CHAR)),
        List.of(List.of("LOW  ")));
    ResultTable plain = new ResultTable(List.of(column("S", JDBCType.VARCHAR)),
        List.of(List.of("LOW")));
    assertTrue(COMPARATOR.compare(padded, plain, true).equal(), "PAD SPACE for CHAR");
    ResultTable plainPadded = new ResultTable(List.of(column("S", JDBCType.VARCHAR)),
        List.of(List.of("LOW  ")));
    assertFalse(COMPARATOR.compare(plainPadded, plain, true).equal(), "VARCHAR keeps blanks");
  }

  @Test
  void compare_columnCountDiffers_saysSo() {
    ResultTable two = new ResultTable(List.of(column("A", JDBCType.INTEGER),
        column("B", JDBCType.INTEGER)), List.of(List.of(1, 2)));
    ResultTable one = new ResultTable(List.of(column("A", JDBCType.INTEGER)),
        List.of(List.of(1)));
    ResultComparison result = COMPARATOR.compare(two, one, false);
    assertEquals("column count differs: expected 2 [A, B], actual 1 [A]", result.description());
    assertEquals(ResultComparison.Kind.COLUMN_COUNT,
        result.firstDifference().orElseThrow().kind());
  }

  @Test
  void constructor_toleranceOutOfRange_throws() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ResultComparator(-1e-9));
    assertEquals("relativeTolerance must be in [0, 1), got -1.0E-9", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ResultComparator(Double.NaN));
  }

  @Test
  void hash_unorderedIgnoresRowOrder_orderedDoesNot() {
    ResultTable a = sample(sampleRows());
    ResultTable b = sample(shuffled(sampleRows(), 4));
    assertEquals(ResultComparator.hash(a, false), ResultComparator.hash(b, false));
    assertNotEquals(ResultComparator.hash(a, true), ResultComparator.hash(b, true));
    assertEquals(64, ResultComparator.hash(a, true).length());
  }

  @Test
  void hash_valuesByValue_floatsToNineDigits() {
    ResultTable a = new ResultTable(List.of(decimal("X", 2), column("D", JDBCType.DOUBLE),
        column("N", JDBCType.BIGINT)), List.of(Arrays.asList(new BigDecimal("24.90"),
        1.0 / 3, 15L)));
    ResultTable b = new ResultTable(List.of(decimal("X", 1), column("D", JDBCType.DOUBLE),
        column("N", JDBCType.INTEGER)), List.of(Arrays.asList(new BigDecimal("24.9"),
        1.0 / 3 * (1 + 1e-14), 15)));
    assertEquals(ResultComparator.hash(a, true), ResultComparator.hash(b, true));
    ResultTable c = new ResultTable(a.columns(), List.of(Arrays.asList(new BigDecimal("24.91"),
        1.0 / 3, 15L)));
    assertNotEquals(ResultComparator.hash(a, true), ResultComparator.hash(c, true));
    ResultTable d = new ResultTable(a.columns(), List.of(Arrays.asList(new BigDecimal("24.90"),
        0.3334, 15L)));
    assertNotEquals(ResultComparator.hash(a, true), ResultComparator.hash(d, true));
  }

  @Test
  void hash_nullAndEmptyStringDiffer() {
    ResultTable nullValue = new ResultTable(List.of(column("S", JDBCType.VARCHAR)),
        Collections.singletonList(Collections.singletonList(null)));
    ResultTable empty = new ResultTable(List.of(column("S", JDBCType.VARCHAR)),
        List.of(List.of("")));
    assertNotEquals(ResultComparator.hash(nullValue, true), ResultComparator.hash(empty, true));
  }

  @Test
  void read_fromJdbc_capturesTypesAndNormalisesDates() throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT CAST(1 AS BIGINT) AS K,"
            + " CAST(24.90 AS DECIMAL(15,2)) AS P, DATE '1998-12-01' AS D,"
            + " CAST(0.5 AS DOUBLE) AS F, CAST(NULL AS VARCHAR) AS S")) {
      ResultTable table = ResultTable.read(rs);
      assertEquals(List.of("K", "P", "D", "F", "S"), table.columnNames());
      assertEquals(List.of(JDBCType.BIGINT, JDBCType.DECIMAL, JDBCType.DATE, JDBCType.DOUBLE,
          JDBCType.VARCHAR), table.columns().stream().map(ResultTable.Column::type).toList());
      assertEquals(2, table.columns().get(1).scale());
      assertEquals(Arrays.asList(1L, new BigDecimal("24.90"), LocalDate.of(1998, 12, 1), 0.5,
          null), table.rows().get(0));
    }
  }


  /** Template 77's shape: (channel, id, sales), ordered by channel and id. */
  private static ResultTable channels(List<List<Object>> rows) {
    return new ResultTable(List.of(column("CHANNEL", JDBCType.VARCHAR),
        column("ID", JDBCType.INTEGER), decimal("SALES", 2)), rows);
  }

  private static final List<List<Object>> CHANNEL_ROWS = List.of(
      Arrays.asList("catalog", 1, new BigDecimal("5.00")),
      Arrays.asList("catalog", null, new BigDecimal("7.00")),
      Arrays.asList("catalog", null, new BigDecimal("12.00")),
      Arrays.asList("store", 3, new BigDecimal("2.00")));

  private static Query query(String sql) {
    return new Query("q77", sql, "test");
  }

  private static List<List<Object>> swap(List<List<Object>> rows, int i, int j) {
    List<List<Object>> copy = new ArrayList<>(rows);
    Collections.swap(copy, i, j);
    return copy;
  }

  @Test
  void compareQuery_rowsTiedUnderOrderBySwapped_equal() {
    ResultTable tiesSwapped = channels(swap(CHANNEL_ROWS, 1, 2));
    ResultComparison c = COMPARATOR.compare(channels(CHANNEL_ROWS), tiesSwapped,
        query("SELECT channel, id, sales FROM x ORDER BY channel, id"));

    assertTrue(c.equal(), c::description);
    assertFalse(COMPARATOR.compare(channels(CHANNEL_ROWS), tiesSwapped, true).equal(),
        "without the query, order is strict");
    assertTrue(COMPARATOR.compare(channels(CHANNEL_ROWS), tiesSwapped,
        query("SELECT channel, id, sales FROM x ORDER BY 1 DESC, x.\"ID\"")).equal(),
        "positions and qualified, quoted names resolve too");
  }

  @Test
  void compareQuery_rowsNotTiedSwapped_reportsTheOrderByColumn() {
    ResultComparison c = COMPARATOR.compare(channels(CHANNEL_ROWS),
        channels(swap(CHANNEL_ROWS, 0, 1)),
        query("SELECT channel, id, sales FROM x ORDER BY channel, id"));

    assertFalse(c.equal());
    assertEquals(0, c.firstDifference().orElseThrow().row());
    assertEquals("ID", c.firstDifference().orElseThrow().columnName());
  }

  @Test
  void compareQuery_tiedRowWithOtherValue_reportsTheTiedRows() {
    List<List<Object>> changed = with(CHANNEL_ROWS, 2, 2, new BigDecimal("12.01"));
    ResultComparison c = COMPARATOR.compare(channels(CHANNEL_ROWS), channels(changed),
        query("SELECT channel, id, sales FROM x ORDER BY channel, id"));

    assertFalse(c.equal());
    assertTrue(c.description().startsWith("rows 1 to 2, tied under the ORDER BY"),
        c::description);
  }

  @Test
  void compareQuery_orderByAnExpression_strictOrder() {
    ResultComparison c = COMPARATOR.compare(channels(CHANNEL_ROWS),
        channels(swap(CHANNEL_ROWS, 1, 2)),
        query("SELECT channel, id, sales FROM x ORDER BY channel, coalesce(id, 0)"));

    assertFalse(c.equal(), "an item naming no column leaves ties unknown");
  }

  @Test
  void compareQuery_limitCutsTiedRows_lastTiesNeedAgreeOnlyInOrderByColumns() {
    List<List<Object>> otherAtCut = with(CHANNEL_ROWS, 3, 2, new BigDecimal("9.00"));
    String sql = "SELECT channel, id, sales FROM x ORDER BY channel, id";

    assertTrue(COMPARATOR.compare(channels(CHANNEL_ROWS), channels(otherAtCut),
        query(sql + " LIMIT 4")).equal());
    assertFalse(COMPARATOR.compare(channels(CHANNEL_ROWS), channels(otherAtCut),
        query(sql)).equal(), "without a cut, the last row is checked");
    assertFalse(COMPARATOR.compare(channels(CHANNEL_ROWS), channels(otherAtCut),
        query(sql + " LIMIT 5")).equal(), "fewer rows than the limit: nothing was cut");
    assertFalse(COMPARATOR.compare(channels(CHANNEL_ROWS), channels(otherAtCut.subList(0, 3)),
        query(sql + " LIMIT 4")).equal(), "a shorter result is still a difference");
    assertFalse(COMPARATOR.compare(channels(CHANNEL_ROWS),
        channels(with(CHANNEL_ROWS, 0, 2, new BigDecimal("9.00"))), query(sql + " LIMIT 4"))
        .equal(), "rows before the cut are checked");
  }

  @Test
  void resultTable_rowOfWrongWidth_throws() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ResultTable(List.of(column("A", JDBCType.INTEGER)), List.of(List.of(1, 2))));
    assertEquals("row 0 has 2 values, the result has 1 columns", e.getMessage());
  }
}
