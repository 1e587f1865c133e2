package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in query runs in H2. The TPC-H queries must reproduce the reference answers for
 * scale factor 0.01 that ship in the {@code io.trino.tpch} jar ({@code io/trino/tpch/queries/
 * q<n>.result}), which validates the rewrites made for the shared H2/Calcite dialect (DOUBLE
 * averages and ratios, the WITH clause of Q15, the factored OR of Q19, FETCH FIRST).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltInQueriesTest {

  private DemoDatabase tpch;
  private DemoDatabase skew;

  @BeforeAll
  void open() throws Exception {
    tpch = SharedDatabases.tpch();
    skew = SharedDatabases.smallSkew();
  }

  @AfterAll
  void close() throws SQLException {
    tpch.close();
    skew.close();
  }

  static Stream<Query> tpchQueries() {
    return QueryCatalog.builtIn(TpchDataset.NAME).stream();
  }

  static Stream<Query> skewQueries() {
    return QueryCatalog.builtIn(SkewDataset.NAME).stream();
  }

  static Stream<Query> allQueries() {
    return Stream.concat(tpchQueries(), skewQueries());
  }

  private static ResultTable run(DemoDatabase db, Query query) throws SQLException {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(query.sql())) {
      return ResultTable.read(rs);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tpchQueries")
  void tpchQuery_inH2_matchesReferenceAnswer(Query query) throws Exception {
    ResultTable actual = run(tpch, query);
    List<String[]> reference = referenceAnswer(query.name(), actual.columnCount());
    assertEquals(reference.size(), actual.rowCount(), query.name() + " row count");
    for (int r = 0; r < reference.size(); r++) {
      for (int c = 0; c < actual.columnCount(); c++) {
        String expected = reference.get(r)[c];
        Object value = actual.rows().get(r).get(c);
        assertTrue(matches(expected, value), query.name() + " row " + r + " column " + c + " ("
            + actual.columns().get(c).name() + "): reference " + expected + ", H2 " + value);
      }
    }
  }

  /**
   * Reads {@code q<n>.result}: a header line, then one line per row with values separated by
   * '|' (some lines end with a trailing '|').
   */
  private static List<String[]> referenceAnswer(String queryName, int columns)
      throws IOException {
    int number = Integer.parseInt(queryName.substring(1));
    String resource = "io/trino/tpch/queries/q" + number + ".result";
    String text;
    try (InputStream in = BuiltInQueriesTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " ships in the io.trino.tpch jar");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("--") || line.isBlank()) {
        continue;
      }
      String[] values = line.split("\\|", -1);
      if (values.length == columns + 1 && values[columns].isEmpty()) {
        values = Arrays.copyOf(values, columns);
      }
      assertEquals(columns, values.length, resource + ": " + line);
      rows.add(values);
    }
    return rows;
  }

  /**
   * Whether an H2 value matches a reference text: numbers printed with decimals within one unit
   * of the last printed digit (the reference rounds, e.g. averages to 2 decimals), numbers
   * printed without decimals exactly (counts, integral sums, Q8's market shares of 0 at this
   * scale), dates and strings exactly, {@code null} only {@code null}.
   */
  private static boolean matches(String reference, Object value) {
    if (reference.equals("null")) {
      return value == null;
    }
    if (value instanceof Number number) {
      BigDecimal expected = new BigDecimal(reference);
      BigDecimal actual = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
      BigDecimal unit = expected.scale() > 0
          ? BigDecimal.ONE.movePointLeft(expected.scale())
          : BigDecimal.ZERO;
      return actual.subtract(expected).abs().compareTo(unit) <= 0;
    }
    if (value instanceof LocalDate date) {
      return date.toString().equals(reference);
    }
    return reference.equals(value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("skewQueries")
  void skewQuery_inH2_returnsRows(Query query) throws SQLException {
    ResultTable result = run(skew, query);
    assertTrue(result.rowCount() > 0, query.name() + " returned no row");
  }

  /**
   * Parses each query with Calcite's parser in its default configuration, when calcite-core is
   * on the class path (it arrives through calcite-plugin); skipped otherwise.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allQueries")
  void query_parsesWithCalciteDefaults(Query query) throws Exception {
    Class<?> parserClass;
    try {
      parserClass = Class.forName("org.apache.calcite.sql.parser.SqlParser");
    } catch (ClassNotFoundException absent) {
      assumeTrue(false, "calcite-core is not on the class path");
      return;
    }
    Method create = parserClass.getMethod("create", String.class);
    Object parser = create.invoke(null, query.sql());
    try {
      Object node = parserClass.getMethod("parseQuery").invoke(parser);
      assertNotNull(node, query.name());
    } catch (InvocationTargetException e) {
      throw new AssertionError(query.source() + " does not parse in Calcite: "
          + e.getCause().getMessage(), e.getCause());
    }
  }
}
