package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.feedback.CostCalibration;
import dev.learnedcost.calcite.feedback.ExplainAnalyze;
import dev.learnedcost.calcite.feedback.FeedbackLoop;
import dev.learnedcost.calcite.feedback.FeedbackOptions;
import dev.learnedcost.calcite.feedback.ScopeFeedback;
import dev.learnedcost.calcite.profile.ExecutionActuals;
import dev.learnedcost.calcite.profile.PlanProfile;
import dev.learnedcost.calcite.profile.PlanProfiler;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning from executions over H2, where every JDBC table is estimated at 100 rows. */
class FeedbackLoopTest {
  private static final String THREE_SCANS =
      "select n.n_name, count(*) as cnt from customer c"
          + " join orders o on c.c_custkey = o.o_custkey"
          + " join nation n on c.c_nationkey = n.n_nationkey"
          + " group by n.n_name order by n.n_name";

  private static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    java.util.Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** Runs {@code sql} with the loop learning; returns the last execution's actuals. */
  private static ExecutionActuals runLearning(LoraCostModel model, FeedbackLoop loop, String sql,
      int times, List<List<String>> expectedRows) throws Exception {
    AtomicReference<ExecutionActuals> last = new AtomicReference<>();
    Program profiler = PlanProfiler.program(a -> {
      last.set(a);
      loop.listener().accept(a);
    });
    try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
            h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), profiler)));
        Connection c = TpchH2.connect(model)) {
      for (int k = 0; k < times; k++) {
        assertThat(TpchH2.rows(c, sql)).as("execution %d", k).isEqualTo(expectedRows);
      }
    }
    assertThat(loop.awaitIdle(Duration.ofSeconds(60))).isTrue();
    return last.get();
  }

  /**
   * With cost learning off and on: rows and cost train separate ranks of each adapter, so the
   * noisy timing targets cannot disturb the row readout and the outcome for rows is the same
   * deterministic function of the data either way.
   */
  @ParameterizedTest(name = "learnCost={0}")
  @ValueSource(booleans = {false, true})
  void fiveExecutions_bringScanRowCountsWithinTwoOfTruth(boolean learnCost) throws Exception {
    List<List<String>> expected;
    try (Connection stock = TpchH2.connectStock()) {
      expected = TpchH2.rows(stock, THREE_SCANS);
    }
    LoraCostModel model = LoraCostModel.create();
    try (FeedbackLoop loop = new FeedbackLoop(model, FeedbackOptions.DEFAULTS.withLearnCost(learnCost),
        new CostCalibration())) {
      ExecutionActuals last = runLearning(model, loop, THREE_SCANS, 5, expected);
      PlanProfile profile = last.profile();
      RelMetadataQuery learned = new RelMetadataQuery(model.metadataProvider());
      RelMetadataQuery stock = new RelMetadataQuery(JaninoRelMetadataProvider.DEFAULT);
      List<Double> stockErrors = new ArrayList<>();
      List<Double> learnedErrors = new ArrayList<>();
      int scans = 0;
      for (int i = 0; i < profile.nodes().size(); i++) {
        RelNode n = profile.nodes().get(i);
        if (n instanceof JdbcToEnumerableConverter) {
          scans++;
          double actual = last.of(i).rows();
          double estimate = learned.getRowCount(n);
          assertThat(estimate / actual).as("learned %s vs actual %s for %s", estimate, actual,
              n.getInput(0).explain()).isBetween(0.5, 2.0);
          stockErrors.add(Math.abs(Math.log(stock.getRowCount(n) / actual)));
          learnedErrors.add(Math.abs(Math.log(estimate / actual)));
        }
      }
      assertThat(scans).isEqualTo(3);
      // The scope's median row error falls by at least 80% (from 2.7 to about 0.1 here).
      assertThat(median(learnedErrors)).as("median learned error vs stock %s", stockErrors)
          .isLessThanOrEqualTo(0.2 * median(stockErrors));
      String printout = ExplainAnalyze.print(last, model);
      assertThat(printout)
          .containsPattern("\\[SeqScan\\]  rows stock 100 learned [0-9.e+]+ actual 1\\.50e\\+04")
          .containsPattern("\\[SeqScan\\]  rows stock 100 learned [0-9.e+]+ actual 25\\.0")
          .containsPattern("\\[(HashJoin|MergeJoin|NestedLoopJoin)\\]");
      ScopeFeedback seq = loop.scopeFeedback(OperatorScope.SeqScan);
      assertThat(seq.observations()).isEqualTo(15);
      assertThat(seq.forwards()).isPositive();
      assertThat(seq.adaptations()).isEqualTo(model.scopedLoRA().adaptCount(OperatorScope.SeqScan));
      assertThat(seq.trajectories()).isEqualTo(15);
      assertThat(seq.medianLearnedRowError()).isLessThan(seq.medianStockRowError());
      assertThat(seq.toString()).startsWith("SeqScan").contains("rowErr").contains("trajectories 15");
      assertThat(loop.stats().processed()).isEqualTo(5);
      assertThat(loop.stats().dropped()).isZero();
      assertThat(loop.stats().trajectories()).isPositive();
      assertThat(model.scopedLoRA().adaptCount(OperatorScope.SeqScan)).isPositive();
    }
  }
}
