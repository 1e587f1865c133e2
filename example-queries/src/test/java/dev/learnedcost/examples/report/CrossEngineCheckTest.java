package dev.learnedcost.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.JDBCType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cross-engine result checks, with results planted instead of executed. */
class CrossEngineCheckTest {
  private static final List<ResultTable.Column> COLUMNS = List.of(
      new ResultTable.Column("R_NAME", JDBCType.VARCHAR, 0),
      new ResultTable.Column("TOTAL", JDBCType.DECIMAL, 2));
  private static final Query UNORDERED =
      new Query("q", "SELECT r_name, total FROM t", "test");
  private static final Query ORDERED =
      new Query("q", "SELECT r_name, total FROM t ORDER BY r_name", "test");
  private static final ResultTable REFERENCE = table(
      List.of("AFRICA", new BigDecimal("10.50")), List.of("ASIA", new BigDecimal("7.25")));

  @SafeVarargs
  private static ResultTable table(List<Object>... rows) {
    List<List<Object>> list = new ArrayList<>();
    for (List<Object> row : rows) {
      list.add(row);
    }
    return new ResultTable(COLUMNS, list);
  }

  private static QueryRun ok(Engine engine, ResultTable result, boolean ordered) {
    return new QueryRun(1, "tpch", "q", engine, QueryRun.Status.OK, 1.0, result,
        ResultComparator.hash(result, ordered), null);
  }

  @Test
  void compare_learnedResultDiffers_reportsOneMismatchAgainstH2() {
    ResultTable planted = table(
        List.of("AFRICA", new BigDecimal("10.50")), List.of("ASIA", new BigDecimal("7.26")));
    Map<Engine, QueryRun> runs = Map.of(
        Engine.H2, ok(Engine.H2, REFERENCE, false),
        Engine.STOCK, ok(Engine.STOCK, REFERENCE, false),
        Engine.LEARNED, ok(Engine.LEARNED, planted, false));

    List<CrossEngineCheck.Mismatch> mismatches = new CrossEngineCheck().compare(runs, UNORDERED);

    assertEquals(1, mismatches.size(), mismatches::toString);
    CrossEngineCheck.Mismatch m = mismatches.get(0);
    assertEquals(Engine.H2, m.reference());
    assertEquals(Engine.LEARNED, m.engine());
    assertTrue(m.description().contains("7.26"), m::description);
  }

  @Test
  void compare_sameRowsOtherOrder_equalUnlessOrdered() {
    ResultTable reversed = table(
        List.of("ASIA", new BigDecimal("7.25")), List.of("AFRICA", new BigDecimal("10.5")));
    Map<Engine, QueryRun> runs = Map.of(
        Engine.STOCK, ok(Engine.STOCK, REFERENCE, false),
        Engine.LEARNED, ok(Engine.LEARNED, reversed, false));

    assertTrue(new CrossEngineCheck().compare(runs, UNORDERED).isEmpty());
    List<CrossEngineCheck.Mismatch> ordered = new CrossEngineCheck().compare(runs, ORDERED);
    assertEquals(1, ordered.size());
    assertEquals(Engine.STOCK, ordered.get(0).reference(), "without H2, stock is the reference");
  }

  @Test
  void compare_referenceFailed_nextEngineIsReference() {
    Map<Engine, QueryRun> runs = Map.of(
        Engine.H2, new QueryRun(1, "tpch", "q", Engine.H2, QueryRun.Status.FAILED, 1.0, null,
            null, "boom"),
        Engine.STOCK, ok(Engine.STOCK, REFERENCE, false),
        Engine.LEARNED, ok(Engine.LEARNED, table(List.of("AFRICA", BigDecimal.ONE)), false));

    List<CrossEngineCheck.Mismatch> mismatches = new CrossEngineCheck().compare(runs, UNORDERED);

    assertEquals(1, mismatches.size());
    assertEquals(Engine.STOCK, mismatches.get(0).reference());
  }

  @Test
  void plantedMismatch_isPrintedLoudlyCountedAndFailsTheRun() {
    ResultTable planted = table(List.of("AFRICA", new BigDecimal("10.50")));
    Map<Engine, QueryRun> runs = Map.of(
        Engine.H2, ok(Engine.H2, REFERENCE, false),
        Engine.LEARNED, ok(Engine.LEARNED, planted, false));
    RoundResult.Row row = new RoundResult.Row("tpch", "q", runs, Boolean.FALSE, null,
        new CrossEngineCheck().compare(runs, UNORDERED), List.of());
    RoundResult round = new RoundResult(1, List.of(row));

    StringWriter text = new StringWriter();
    ConsoleReport.printRound(new PrintWriter(text), round, 1,
        EnumSet.of(Engine.H2, Engine.LEARNED));
    RunSummary summary = RunSummary.of(List.of(round), 0);

    assertTrue(text.toString().contains("!!! RESULT MISMATCH in round 1, tpch/q: learned differs"
        + " from h2"), text::toString);
    assertTrue(text.toString().contains("MISMATCH"), text::toString);
    assertEquals(1, summary.resultMismatches());
    assertTrue(summary.failed());
  }

  @Test
  void summary_lastRoundSpeedupAndRegressions() {
    RoundResult.Row fast = row("a", 100, 50);
    RoundResult.Row slow = row("b", 100, 130);
    RunSummary s = RunSummary.of(List.of(new RoundResult(1, List.of(row("a", 10, 10))),
        new RoundResult(2, List.of(fast, slow))), 0);

    assertEquals(200.0 / 180.0, s.speedupVsStock(), 1e-12);
    assertEquals(1, s.regressions(), "b is 1.3x slower than stock");
    assertEquals(210.0, s.stockTotalMs(), 1e-9);
    assertEquals(190.0, s.learnedTotalMs(), 1e-9);
    assertEquals(0, s.resultMismatches());
  }

  private static RoundResult.Row row(String name, double stockMs, double learnedMs) {
    Map<Engine, QueryRun> runs = Map.of(
        Engine.STOCK, new QueryRun(1, "tpch", name, Engine.STOCK, QueryRun.Status.OK, stockMs,
            REFERENCE, "h", null),
        Engine.LEARNED, new QueryRun(1, "tpch", name, Engine.LEARNED, QueryRun.Status.OK,
            learnedMs, REFERENCE, "h", null));
    return new RoundResult.Row("tpch", name, runs, Boolean.FALSE, null, List.of(), List.of());
  }
}
