package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.TraceCaptures;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.api.Test;

/**
 * On {@link StarH2}, where the join order decides the run time: learning switches a bad stock
 * join order to the good one, and the regression guard catches a model sabotaged into the bad
 * one.
 */
class PlanSwitchAndGuardTest {
  /** Stock joins F1 to F2 first (it believes F2's filter keeps 15%; it keeps all). */
  private static final String STOCK_IS_WRONG = "select count(*) as c from f1"
      + " join f2 on f1.k = f2.k join d on f1.d = d.d where f2.status = 'A' and d.score > 989";
  /** Stock joins F1 to D's one row first, the good order. */
  private static final String STOCK_IS_RIGHT = "select count(*) as c from f1"
      + " join f2 on f1.k = f2.k join d on f1.d = d.d where d.score = 989";

  /** One execution: the optimized plan and the wall time to read every row. */
  private record Run(RelNode plan, String text, double ms) {}

  private static Run run(Connection c, String sql, List<List<String>> expected) throws Exception {
    AtomicReference<RelNode> plan = new AtomicReference<>();
    Program capture = (planner, rel, traits, materializations, lattices) -> {
      plan.set(rel);
      return rel;
    };
    long start;
    long end;
    try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
        h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), capture)))) {
      start = System.nanoTime();
      List<List<String>> rows = TpchH2.rows(c, sql);
      end = System.nanoTime();
      assertThat(rows).as("result of %s", sql).isEqualTo(expected);
    }
    return new Run(plan.get(), RelOptUtil.toString(plan.get(), SqlExplainLevel.EXPPLAN_ATTRIBUTES),
        (end - start) / 1e6);
  }

  /** The tables under the innermost join of a plan: the pair it joins first. */
  private static Set<String> firstJoined(RelNode rel) {
    for (RelNode input : rel.getInputs()) {
      Set<String> inner = firstJoined(input);
      if (!inner.isEmpty()) {
        return inner;
      }
    }
    Set<String> tables = new TreeSet<>();
    if (rel instanceof Join) {
      collectTables(rel, tables);
    }
    return tables;
  }

  private static void collectTables(RelNode rel, Set<String> out) {
    if (rel instanceof TableScan scan) {
      List<String> name = scan.getTable().getQualifiedName();
      out.add(name.get(name.size() - 1));
    }
    for (RelNode input : rel.getInputs()) {
      collectTables(input, out);
    }
  }

  private static double median(double... v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  @Test
  void learning_switchesTheStockJoinOrderToTheGoodOne_andRunsFaster() throws Exception {
    List<List<String>> expected;
    double[] stockMs = new double[3];
    try (Connection stock = StarH2.connect(new org.apache.calcite.jdbc.Driver())) {
      expected = TpchH2.rows(stock, STOCK_IS_WRONG);
      for (int i = 0; i < stockMs.length; i++) {
        Run r = run(stock, STOCK_IS_WRONG, expected);
        assertThat(firstJoined(r.plan())).as(r.text()).containsExactly("F1", "F2");
        stockMs[i] = r.ms();
      }
    }
    // Rows only and no guard: the switch must come from the learned row counts alone.
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().synchronous(true).learnCost(false)
        .guardEnabled(false).build();
    List<Run> runs = new ArrayList<>();
    try (LoraRuntime runtime = LoraRuntime.open(config);
        Connection c = StarH2.connect(runtime.driver(LoraMode.ON, true))) {
      for (int i = 0; i < 8; i++) {
        runs.add(run(c, STOCK_IS_WRONG, expected));
      }
    }
    assertThat(firstJoined(runs.get(0).plan())).containsExactly("F1", "F2");
    for (Run r : runs.subList(5, 8)) {
      assertThat(firstJoined(r.plan())).as(r.text()).containsExactly("D", "F1");
    }
    double learned = median(runs.get(5).ms(), runs.get(6).ms(), runs.get(7).ms());
    double stock = median(stockMs);
    System.out.printf("plan switch on StarH2: stock median %.1f ms, learned median %.1f ms"
        + " (%.2fx)%n", stock, learned, stock / learned);
    assertThat(learned).as("learned plan median vs stock %s ms", stock).isLessThan(stock);
  }

  /**
   * Teaches the model that D's filtered scan returns 1,000 times its estimate and F2's scan 1/100
   * of it: the planner then joins F1 to F2 first (2.5 million rows) instead of to D's one row.
   */
  private static void sabotage(LoraRuntime runtime) throws Exception {
    LearnedModel model = runtime.model();
    List<float[]> dims = new ArrayList<>();
    List<float[]> facts = new ArrayList<>();
    TraceCaptures captures = new TraceCaptures();
    Binding capturing = captures.bind(runtime.binding(LoraMode.ON));
    try (Connection c = StarH2.connect(new org.apache.calcite.jdbc.Driver()
        .withPrepareFactory(() -> new LoraPrepare(runtime, capturing, false)))) {
      TpchH2.plan(c, STOCK_IS_RIGHT);
    }
    for (RelNode rel : captures.nodes()) {
      float[] x = captures.rowEmbedding(rel);
      if (x != null && model.correctedScope(rel) == OperatorScope.SeqScan) {
        Set<String> tables = new TreeSet<>();
        collectTablesThroughSubsets(rel, tables);
        if (tables.equals(Set.of("D"))) {
          dims.add(x);
        } else if (tables.equals(Set.of("F2"))) {
          facts.add(x);
        }
      }
    }
    assertThat(dims).isNotEmpty();
    assertThat(facts).isNotEmpty();
    for (int step = 0; step < 30; step++) {
      for (float[] x : dims) {
        model.train(OperatorScope.SeqScan, x, Math.log(1000), Double.NaN);
      }
      for (float[] x : facts) {
        model.train(OperatorScope.SeqScan, x, Math.log(0.01), Double.NaN);
      }
    }
  }

  private static void collectTablesThroughSubsets(RelNode rel, Set<String> out) {
    if (rel instanceof RelSubset subset) {
      RelNode original = subset.getOriginal();
      if (original != null) {
        collectTablesThroughSubsets(original, out);
      }
      return;
    }
    if (rel instanceof TableScan scan) {
      List<String> name = scan.getTable().getQualifiedName();
      out.add(name.get(name.size() - 1));
    }
    for (RelNode input : rel.getInputs()) {
      collectTablesThroughSubsets(input, out);
    }
  }

  @Test
  void sabotagedModel_isCaughtWithinTheWindow_andTheQueryFallsBackToItsStockPlan()
      throws Exception {
    List<List<String>> expected;
    String stockPlan;
    try (Connection stock = StarH2.connect(new org.apache.calcite.jdbc.Driver())) {
      expected = TpchH2.rows(stock, STOCK_IS_RIGHT);
      Run r = run(stock, STOCK_IS_RIGHT, expected);
      stockPlan = r.text();
      assertThat(firstJoined(r.plan())).as(stockPlan).containsExactly("D", "F1");
    }
    // Observe only (no training), so the sabotage stays and only the guard can act; no severe
    // factor (the sabotaged plan is 5-15x slower), so the window's median is what decides.
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().synchronous(true)
        .stepsPerObservation(0).guardSevereFactor(1000).guardBaselineRuns(1).build();
    try (LoraRuntime runtime = LoraRuntime.open(config);
        Connection c = StarH2.connect(runtime.driver(LoraMode.ON, true))) {
      sabotage(runtime);
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        runs.add(run(c, STOCK_IS_RIGHT, expected));
      }
      // Run 1: the stock baseline. Runs 2-4: the sabotaged plan (the window). Run 5: stock.
      assertThat(runs.get(0).text()).isEqualTo(stockPlan);
      for (Run r : runs.subList(1, 4)) {
        assertThat(firstJoined(r.plan())).as(r.text()).containsExactly("F1", "F2");
      }
      assertThat(runs.get(4).text()).isEqualTo(stockPlan);
      QueryHistory h = runtime.history(STOCK_IS_RIGHT).orElseThrow();
      System.out.printf("guard on StarH2: stock median %.1f ms, sabotaged median %.1f ms%n",
          h.stockMedianMs(), h.learnedMedianMs());
      assertThat(h.guarded()).isTrue();
      assertThat(h.fallbacks()).isEqualTo(1);
      assertThat(h.stockRuns()).isEqualTo(2);
      assertThat(h.learnedRuns()).isEqualTo(3);
      assertThat(runtime.stats().guardFallbacks()).isEqualTo(1);
      assertThat(runtime.stats().guardedQueries()).isEqualTo(1);

      // A material change of the model (here: the bad adapters reset) lets it try again.
      runtime.model().scopedLoRA().resetAll();
      assertThat(firstJoined(run(c, STOCK_IS_RIGHT, expected).plan()))
          .containsExactly("D", "F1");
      assertThat(runtime.history(STOCK_IS_RIGHT).orElseThrow().guarded()).isFalse();
      assertThat(runtime.stats().guardRetries()).isEqualTo(1);
    }
  }
}
