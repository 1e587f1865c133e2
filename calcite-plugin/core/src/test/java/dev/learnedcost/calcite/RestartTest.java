package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.feedback.FeedbackLoop;
import dev.learnedcost.calcite.feedback.FeedbackOptions;
import dev.learnedcost.calcite.feedback.FingerprintHistory;
import dev.learnedcost.calcite.feedback.GuardOptions;
import dev.learnedcost.calcite.feedback.QueryFingerprint;
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
    FeedbackOptions options = FeedbackOptions.DEFAULTS.withSynchronous(true).withLearnCost(false)
        .withGuard(GuardOptions.DEFAULTS.withThreshold(1000));
    String learnedPlan = null;
    try (FeedbackLoop loop = FeedbackLoop.open(state, LoraConfig.defaults(), options, 0);
        Connection c = TpchH2.connect(loop)) {
      for (int run = 0; run < 6; run++) {
        learnedPlan = runCapturingPlan(c, sql, expected);
      }
      assertThat(loop.guard().history(QueryFingerprint.of(sql)).orElseThrow().stockRuns())
          .as("the two baseline runs").isEqualTo(2);
    }
    assertThat(learnedPlan).as("learning changed the plan").isNotEqualTo(stockPlan);

    try (FeedbackLoop restarted = FeedbackLoop.open(state, LoraConfig.defaults(), options, 0);
        Connection c = TpchH2.connect(restarted)) {
      assertThat(restarted.loadProblem()).isNull();
      assertThat(runCapturingPlan(c, sql, expected)).isEqualTo(learnedPlan);
      FingerprintHistory h =
          restarted.guard().history(QueryFingerprint.of(sql)).orElseThrow();
      assertThat(h.stockRuns()).as("no new stock baseline after the restart").isEqualTo(2);
      assertThat(h.learnedRuns()).isEqualTo(5);
    }
  }
}
