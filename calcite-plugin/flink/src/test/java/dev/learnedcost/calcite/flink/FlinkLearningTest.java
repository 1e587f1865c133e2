package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.ExecutedNode;
import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.NodeTrace;
import dev.learnedcost.calcite.PlanChoice;
import dev.learnedcost.calcite.PlanTrace;
import dev.learnedcost.calcite.QueryHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime on Flink, learning from Flink's own job metrics: after a few executions the learned
 * scan estimates are within 2x of the true table sizes, and Flink, planning with them,
 * broadcasts the small table (a different join strategy and build side, identical results); a
 * sabotaged model survives a restart through its state file, and the regression guard falls back
 * to Flink's own plan.
 */
class FlinkLearningTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = TestTables.cluster();

  @TempDir
  static Path dir;

  private static final String SELECT =
      "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.k";
  /** Executions: the guard's two stock baseline runs, then learned ones. */
  private static final int RUNS = 5;

  @BeforeAll
  static void data() throws Exception {
    TestTables.write(dir);
    TestTables.writePair(dir, PAIR_ROWS);
  }

  /** Rows of each pair table: a nested-loop join of them compares 64 million pairs. */
  static final int PAIR_ROWS = 8_000;

  @Test
  void afterAFewRuns_learnedScanRowsAreWithinTwiceTheTruth_andFlinkBroadcastsTheSmallTable()
      throws Exception {
    TableEnvironment stock = TestTables.environment(dir);
    TableEnvironment learned = TestTables.environment(dir);
    try (LoraRuntime runtime = TestTables.runtime()) {
      FlinkInstallation lora = LoraFlink.install(learned, runtime);
      FlinkPlan untrained = lora.explain(SELECT);
      assertThat(scanRows(untrained, "fact")).isEqualTo(1.0e8);
      assertThat(untrained.text()).as(untrained.text()).doesNotContain("isBroadcast=[true]");

      List<FlinkExecution> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        runs.add(lora.run("INSERT INTO join_sink " + SELECT));
      }
      FlinkPlan trained = lora.explain(SELECT);

      assertThat(runs).extracting(FlinkExecution::choice).containsExactly(
          PlanChoice.STOCK_BASELINE, PlanChoice.STOCK_BASELINE, PlanChoice.LEARNED,
          PlanChoice.LEARNED, PlanChoice.LEARNED);
      assertThat(scanRows(trained, "fact")).as(trained.trace().toString())
          .isBetween(TestTables.FACT_ROWS / 2.0, TestTables.FACT_ROWS * 2.0);
      assertThat(scanRows(trained, "dim")).as(trained.trace().toString())
          .isBetween(TestTables.DIM_ROWS / 2.0, TestTables.DIM_ROWS * 2.0);
      // Stock: both tables look like 1e8 rows, a shuffle join. Learned: dim (10 rows) is the
      // broadcast build side of a hash join.
      assertThat(trained.text()).as(trained.text())
          .contains("isBroadcast=[true], build=[right]")
          .contains("Exchange(distribution=[broadcast])");
      assertThat(TestTables.rows(learned, SELECT)).hasSize(TestTables.FACT_ROWS)
          .isEqualTo(TestTables.rows(stock, SELECT));
    }
  }

  /**
   * A model taught that {@code rgt} holds one row (it holds {@value #PAIR_ROWS}) plans a
   * broadcast nested-loop join that compares every pair of rows; saved and reopened
   * observe-only, the sabotage stays (the file reloads), and only the guard can act: after the
   * stock baseline, the learned plan's first (compiling) run and a window of three slow learned
   * runs, the query falls back to Flink's own plan.
   */
  @Test
  void sabotagedModel_reloadsFromItsStateFile_andTheGuardFallsBackToFlinksPlan()
      throws Exception {
    Path state = dir.resolve("sabotaged.lcfs");
    String select = "SELECT COUNT(*) FROM lft a JOIN rgt b ON a.k = b.k";
    try (LoraRuntime liar = LoraRuntime.open(LoraFlink.configBuilder().synchronous(true)
        .stateFile(state).build())) {
      FlinkInstallation lora = LoraFlink.install(pairEnvironment(), liar);
      for (int i = 0; i < 20 && !isNestedLoop(lora.explain(select)); i++) {
        PlanTrace trace = lora.explain(select).trace();
        liar.learn(lie(trace, "lft", PAIR_ROWS));
        liar.learn(lie(trace, "rgt", 1));
      }
      assertThat(isNestedLoop(lora.explain(select))).as(lora.explain(select).text()).isTrue();
    }
    assertThat(state).exists();

    // Observe only, so the sabotage stays; no severe factor, so the window's median decides.
    try (LoraRuntime runtime = LoraRuntime.open(LoraFlink.configBuilder().synchronous(true)
        .stateFile(state).stepsPerObservation(0).guardSevereFactor(1000).build())) {
      assertThat(runtime.loadProblem()).isNull();
      FlinkInstallation lora = LoraFlink.install(pairEnvironment(), runtime);
      assertThat(isNestedLoop(lora.explain(select))).as("the reloaded model's plan").isTrue();
      String insert = "INSERT INTO pair_sink " + select;
      List<FlinkExecution> runs = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        runs.add(lora.run(insert));
      }
      // Runs 1-2: the stock baseline. Run 3: the learned plan's first run in this process (it
      // compiles; out of the window). Runs 4-6: the window. Run 7: Flink's own plan again.
      assertThat(runs).extracting(FlinkExecution::choice).containsExactly(
          PlanChoice.STOCK_BASELINE, PlanChoice.STOCK_BASELINE, PlanChoice.LEARNED,
          PlanChoice.LEARNED, PlanChoice.LEARNED, PlanChoice.LEARNED, PlanChoice.STOCK_GUARDED);
      assertThat(runs).extracting(r -> r.nodes().stream()
          .anyMatch(n -> n.rel().getRelTypeName().equals("BatchPhysicalNestedLoopJoin")))
          .containsExactly(false, false, true, true, true, true, false);
      QueryHistory h = runtime.history(insert).orElseThrow();
      assertThat(h.guarded()).as("%s", h).isTrue();
      assertThat(h.fallbacks()).isEqualTo(1);
      assertThat(runs).allSatisfy(r -> assertThat(r.nodes().get(0).actualRows()).isEqualTo(1));
    }
  }

  private TableEnvironment pairEnvironment() {
    TableEnvironment t = TestTables.environment(dir);
    TestTables.declarePair(t, dir);
    return t;
  }

  private static boolean isNestedLoop(FlinkPlan plan) {
    return plan.text().contains("BatchPhysicalNestedLoopJoin");
  }

  /** A fabricated execution in which the scan of {@code table} produced {@code rows} rows. */
  private static ExecutedPlan lie(PlanTrace trace, String table, long rows) {
    for (int i = 0; i < trace.nodes().size(); i++) {
      if (trace.nodes().get(i) instanceof TableScan scan
          && scan.getTable().getQualifiedName().get(2).equals(table)) {
        return new ExecutedPlan(null, trace.planHash(),
            ExecutedNode.leaf(trace.traces().get(i), rows, Double.NaN), 1.0, true);
      }
    }
    throw new AssertionError("no scan of " + table + " in\n" + trace);
  }

  /** The learned row estimate of the scan of {@code table} in a traced plan. */
  static double scanRows(FlinkPlan plan, String table) {
    for (int i = 0; i < plan.trace().nodes().size(); i++) {
      RelNode rel = plan.trace().nodes().get(i);
      if (rel instanceof TableScan scan
          && scan.getTable().getQualifiedName().get(2).equals(table)) {
        NodeTrace t = plan.trace().traces().get(i);
        return t.learnedRows();
      }
    }
    throw new AssertionError("no scan of " + table + " in\n" + plan.text());
  }
}
