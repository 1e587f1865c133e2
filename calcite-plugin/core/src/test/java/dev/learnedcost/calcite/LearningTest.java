package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning from executions over H2, where every JDBC table is estimated at 100 rows. */
class LearningTest {
  private static final String THREE_SCANS =
      "select n.n_name, count(*) as cnt from customer c"
          + " join orders o on c.c_custkey = o.o_custkey"
          + " join nation n on c.c_nationkey = n.n_nationkey"
          + " group by n.n_name order by n.n_name";

  @TempDir Path dir;

  private static double median(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    java.util.Collections.sort(v);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static List<List<String>> expected() throws Exception {
    try (Connection stock = TpchH2.connectStock()) {
      return TpchH2.rows(stock, THREE_SCANS);
    }
  }

  /**
   * Runs the query {@code times} on a learning connection and returns the executed plan of the
   * last run, whose traces are the model's beliefs after the runs before it.
   */
  private static ExecutedPlan runLearning(LoraRuntime runtime, int times,
      List<List<String>> expected) throws Exception {
    try (Connection c = TpchH2.connect(runtime, LoraMode.ON, true)) {
      for (int k = 0; k < times; k++) {
        assertThat(TpchH2.rows(c, THREE_SCANS)).as("execution %d", k).isEqualTo(expected);
      }
    }
    assertThat(runtime.awaitIdle(Duration.ofSeconds(60))).isTrue();
    List<ExecutedPlan> recent = runtime.recentExecutions();
    return recent.get(recent.size() - 1);
  }

  private static List<ExecutedNode> nodes(ExecutedNode root) {
    List<ExecutedNode> out = new ArrayList<>();
    out.add(root);
    for (ExecutedNode c : root.children()) {
      out.addAll(nodes(c));
    }
    return out;
  }

  private static boolean isScan(ExecutedNode n) {
    return n.trace().label().startsWith("JdbcToEnumerableConverter");
  }

  private static boolean isJoin(ExecutedNode n) {
    return n.trace().label().matches("Enumerable\\w*Join#\\d+");
  }

  /**
   * With cost learning off and on: rows and cost train separate ranks of each adapter, so the
   * noisy timing targets cannot disturb the row readout and the outcome for rows is the same
   * deterministic function of the data either way.
   */
  @ParameterizedTest(name = "learnCost={0}")
  @ValueSource(booleans = {false, true})
  void fiveExecutions_bringScanRowCountsWithinTwoOfTruth(boolean learnCost) throws Exception {
    List<List<String>> expected = expected();
    try (LoraRuntime runtime = LoraRuntime.open(
        LoraRuntimeConfig.builder().learnCost(learnCost).build())) {
      runLearning(runtime, 5, expected);
      ScopeStats seq = runtime.scopeStats(OperatorScope.SeqScan);
      assertThat(seq.observations()).isEqualTo(15);
      assertThat(seq.forwards()).isPositive();
      assertThat(seq.adaptations())
          .isEqualTo(runtime.model().scopedLoRA().adaptCount(OperatorScope.SeqScan));
      assertThat(seq.trajectories()).isEqualTo(15);
      assertThat(seq.medianLearnedRowError()).isLessThan(seq.medianStockRowError());
      assertThat(seq.toString()).startsWith("SeqScan").contains("rowErr")
          .contains("trajectories 15");
      assertThat(runtime.stats().processed()).isEqualTo(5);
      assertThat(runtime.stats().dropped()).isZero();
      assertThat(runtime.stats().trajectories()).isPositive();

      // A sixth run shows what the model believes after five.
      ExecutedPlan last = runLearning(runtime, 1, expected);
      List<Double> stockErrors = new ArrayList<>();
      List<Double> learnedErrors = new ArrayList<>();
      int scans = 0;
      for (ExecutedNode n : nodes(last.root())) {
        if (isScan(n)) {
          scans++;
          double actual = n.actualRows();
          double estimate = n.trace().learnedRows();
          assertThat(estimate / actual).as("learned %s vs actual %s for %s", estimate, actual,
              n.trace()).isBetween(0.5, 2.0);
          stockErrors.add(Math.abs(Math.log(n.trace().stockRows() / actual)));
          learnedErrors.add(Math.abs(Math.log(estimate / actual)));
        }
      }
      assertThat(scans).isEqualTo(3);
      // The scope's median row error falls by at least 80% (from 2.7 to about 0.1 here).
      assertThat(median(learnedErrors)).as("median learned error vs stock %s", stockErrors)
          .isLessThanOrEqualTo(0.2 * median(stockErrors));
      assertThat(last.explain())
          .containsPattern("\\[SeqScan\\]  rows stock 100 learned [0-9.e+]+ actual 1\\.50e\\+04")
          .containsPattern("\\[SeqScan\\]  rows stock 100 learned [0-9.e+]+ actual 25\\.0")
          .containsPattern("\\[(HashJoin|MergeJoin|NestedLoopJoin)\\]");
    }
  }

  /**
   * A join learns its own fan-out, not its inputs' errors. With the scan scope switched off the
   * scans stay at JdbcSchema's 100 rows (actual 15,000, 1,500 and 25); the joins still train,
   * and their learned estimates come out as their actual rows times their inputs' estimate
   * errors: right once the inputs are. A join trained against its base at the estimated
   * inputs would instead absorb the scans' 100x errors, and would have to unlearn them as the
   * scans learn (its target moving with every step below it). Then, the state reopened with
   * the scans learning too, every node comes within 2x of its actual rows.
   */
  @org.junit.jupiter.api.Test
  void joinsLearnTheirFanOutAgainstTheirInputsActualRows() throws Exception {
    List<List<String>> expected = expected();
    Path state = dir.resolve("joins.lcfs");
    LoraRuntimeConfig scansOff = LoraRuntimeConfig.builder().learnCost(false).stateFile(state)
        .scopeEnabled(OperatorScope.SeqScan, false).build();
    try (LoraRuntime runtime = LoraRuntime.open(scansOff)) {
      ExecutedPlan last = runLearning(runtime, 7, expected);
      int joins = 0;
      for (ExecutedNode n : nodes(last.root())) {
        if (!isJoin(n)) {
          continue;
        }
        joins++;
        double inputError = 1;
        for (ExecutedNode in : n.children()) {
          inputError *= in.trace().learnedRows() / in.actualRows();
        }
        double actual = n.actualRows();
        double estimate = n.trace().learnedRows();
        assertThat(estimate / (actual * inputError))
            .as("join %s: learned %s, actual %s, inputs' error %s", n.trace().label(), estimate,
                actual, inputError)
            .isBetween(0.5, 2.0);
        assertThat(Math.abs(Math.log(inputError))).as("the inputs stay wrong").isGreaterThan(2);
      }
      assertThat(joins).isEqualTo(2);
      assertThat(runtime.model().scopedLoRA().adaptCount(OperatorScope.SeqScan)).isZero();
    }
    try (LoraRuntime runtime = LoraRuntime.open(
        scansOff.toBuilder().scopeEnabled(OperatorScope.SeqScan, true).build())) {
      ExecutedPlan last = runLearning(runtime, 7, expected);
      for (ExecutedNode n : nodes(last.root())) {
        if (isJoin(n) || isScan(n)) {
          assertThat(n.trace().learnedRows() / n.actualRows())
              .as("%s learned %s actual %s", n.trace().label(), n.trace().learnedRows(),
                  n.actualRows())
              .isBetween(0.5, 2.0);
        }
      }
    }
  }
}
