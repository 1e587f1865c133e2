package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learned-state file and the query history, end to end through the learning driver. */
class RestartTest {
  @TempDir Path dir;

  /** Runs {@code sql} on {@code c} and returns the optimized plan it executed. */
  private static String runCapturingPlan(Connection c, String sql, List<List<String>> expected)
      throws Exception {
    AtomicReference<RelNode> plan = new AtomicReference<>();
    Program capture = (planner, rel, traits, materializations, lattices) -> {
      plan.set(rel);
      return rel;
    };
    try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
        h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), capture)))) {
      assertThat(TpchH2.rows(c, sql)).isEqualTo(expected);
    }
    return RelOptUtil.toString(plan.get(), SqlExplainLevel.EXPPLAN_ATTRIBUTES);
  }

  @Test
  void freshInstanceLoadingTheSavedState_plansTheLearnedPlanOnTheFirstTry() throws Exception {
    String sql = TpchH2.QUERIES.get(0);
    List<List<String>> expected;
    String stockPlan;
    try (Connection stock = TpchH2.connectStock()) {
      expected = TpchH2.rows(stock, sql);
      stockPlan = runCapturingPlan(stock, sql, expected);
    }
    Path state = dir.resolve("model.lcfs");
    // Rows only, so that what is learned is a function of the data; no fallback on timing noise.
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().stateFile(state).saveEvery(0)
        .synchronous(true).learnCost(false).guardThreshold(1000).guardSevereFactor(1000).build();
    String learnedPlan = null;
    try (LoraRuntime runtime = LoraRuntime.open(config);
        Connection c = TpchH2.connect(runtime, LoraMode.ON, true)) {
      for (int run = 0; run < 6; run++) {
        learnedPlan = runCapturingPlan(c, sql, expected);
      }
      assertThat(runtime.history(sql).orElseThrow().stockRuns())
          .as("the two baseline runs").isEqualTo(2);
    }
    assertThat(learnedPlan).as("learning changed the plan").isNotEqualTo(stockPlan);

    try (LoraRuntime restarted = LoraRuntime.open(config);
        Connection c = TpchH2.connect(restarted, LoraMode.ON, true)) {
      assertThat(restarted.loadProblem()).isNull();
      assertThat(runCapturingPlan(c, sql, expected)).isEqualTo(learnedPlan);
      QueryHistory h = restarted.history(sql).orElseThrow();
      assertThat(h.stockRuns()).as("no new stock baseline after the restart").isEqualTo(2);
      assertThat(h.learnedRuns()).isEqualTo(5);
    }
  }
}
