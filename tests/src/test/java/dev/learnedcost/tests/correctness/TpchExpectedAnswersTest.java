package dev.learnedcost.tests.correctness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.QueryCatalog;
import dev.learnedcost.examples.TpchDataset;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo's 22 TPC-H queries, run by H2 on the suite's scale-0.01 database, return the answers
 * that {@code io.trino.tpch} ships for scale 0.01 ({@code io/trino/tpch/queries/qN.result}): a
 * check of the data, the query texts and the reference engine that needs no second engine. The
 * four-way suite then holds every Calcite mode to H2's result.
 *
 * <p>Numbers are compared within half a unit of the expected value's last printed digit (the
 * files round averages, e.g. {@code 25.58} for 25.5775...); strings and dates exactly; rows in
 * order (every file says {@code ignoreOrder: false}).
 */
@ExtendWith(CorrectnessFixture.Resolver.class)
class TpchExpectedAnswersTest {

  @TestFactory
  Stream<DynamicTest> tpchQuery_h2AtScale001_matchesShippedAnswer(CorrectnessFixture f) {
    assertThat(CorrectnessFixture.TPCH_SCALE).isEqualTo(0.01);
    return QueryCatalog.builtIn(TpchDataset.NAME).stream().map(q -> DynamicTest.dynamicTest(
        q.name(), () -> check(f, q)));
  }

  private static void check(CorrectnessFixture f, Query q) throws IOException, SQLException {
    int number = Integer.parseInt(q.name().substring(1));
    List<String[]> expected = expected(number);
    List<String[]> actual = new ArrayList<>();
    try (Connection c = f.database(TpchDataset.NAME).connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(q.h2Sql())) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
          row[i] = rs.getString(i + 1);
        }
        actual.add(row);
      }
    }
    assertThat(actual).as("%s: rows", q.name()).hasSameSizeAs(expected);
    for (int r = 0; r < expected.size(); r++) {
      String[] e = expected.get(r);
      String[] a = actual.get(r);
      assertThat(a).as("%s row %d: columns", q.name(), r + 1).hasSameSizeAs(e);
      for (int i = 0; i < e.length; i++) {
        if (!same(e[i], a[i])) {
          fail(q.name() + " row " + (r + 1) + " column " + (i + 1) + ": expected " + e[i]
              + ", H2 returned " + a[i] + "\nexpected row " + Arrays.toString(e)
              + "\nH2 row       " + Arrays.toString(a));
        }
      }
    }
  }

  /** Equal strings, or numbers within half a unit of the expected value's last digit. */
  static boolean same(String expected, String actual) {
    if (actual == null) {
      return expected.equals("null");
    }
    if (expected.equals(actual)) {
      return true;
    }
    BigDecimal e;
    BigDecimal a;
    try {
      e = new BigDecimal(expected);
      a = new BigDecimal(actual.strip());
    } catch (NumberFormatException notNumbers) {
      return false;
    }
    BigDecimal halfUnit = BigDecimal.ONE.movePointLeft(Math.max(0, e.scale())).divide(
        BigDecimal.valueOf(2));
    return a.subtract(e).abs().compareTo(halfUnit) <= 0;
  }

  private static List<String[]> expected(int number) throws IOException {
    String resource = "io/trino/tpch/queries/q" + number + ".result";
    try (InputStream in = TpchDataset.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("class-path resource %s of io.trino.tpch", resource).isNotNull();
      List<String[]> rows = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isEmpty() || line.startsWith("--")) {
          continue;
        }
        String text = line.endsWith("|") ? line.substring(0, line.length() - 1) : line;
        rows.add(text.split("\\|", -1));
      }
      return rows;
    }
  }
}
