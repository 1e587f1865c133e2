package dev.learnedcost.tests.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.tests.eval.Results.BestPlanBound;
import dev.learnedcost.tests.eval.Results.HeldOutQuery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluation's summaries over hand-made results. */
class ResultsTest {
  private static HeldOutQuery run(String query, String system, double ms, String status) {
    return new HeldOutQuery("held-out", 1, "t", query, system, new double[] {ms}, ms, 1, status,
        null);
  }

  private static List<HeldOutQuery> query(String name, double stock, double trueRows,
      double scalar, double plugin, double h2) {
    return List.of(run(name, "stock", stock, "ok"), run(name, "true-rows", trueRows, "ok"),
        run(name, "scalar", scalar, "ok"), run(name, "node-features", plugin * 1.5, "ok"),
        run(name, "plugin", plugin, "ok"), run(name, "h2", h2, "ok"));
  }

  @Test
  void bestCalcitePlan_takesEachQuerysFastestCalciteSystem_neverH2() {
    List<HeldOutQuery> rows = new ArrayList<>();
    rows.addAll(query("a", 100, 300, 50, 80, 1));
    rows.addAll(query("b", 200, 150, 400, 250, 1));
    BestPlanBound b = Results.bestCalcitePlan(rows);
    assertThat(b.queries()).isEqualTo(2);
    assertThat(b.totalMs()).isCloseTo(50 + 150, within(1e-9));
    assertThat(b.stockMs()).isCloseTo(300, within(1e-9));
    assertThat(b.vsStock()).isCloseTo(200.0 / 300, within(1e-9));
  }

  @Test
  void bestCalcitePlan_skipsQueriesThatASystemFailedOrDidNotRun() {
    List<HeldOutQuery> rows = new ArrayList<>(query("a", 100, 300, 50, 80, 1));
    rows.add(run("b", "stock", 200, "ok"));
    rows.add(run("b", "true-rows", 10, "timeout"));
    rows.add(run("b", "scalar", 20, "ok"));
    rows.add(run("b", "node-features", 25, "ok"));
    rows.add(run("b", "plugin", 30, "ok"));
    rows.add(run("c", "stock", 100, "ok"));
    BestPlanBound b = Results.bestCalcitePlan(rows);
    assertThat(b.queries()).isEqualTo(1);
    assertThat(b.vsStock()).isCloseTo(0.5, within(1e-9));
    assertThat(Results.bestCalcitePlan(List.of()).vsStock()).isNaN();
  }

  @Test
  void summarize_countsRegressionsAgainstStockOnTheSameQuery() {
    List<HeldOutQuery> rows = new ArrayList<>();
    rows.addAll(query("a", 100, 300, 50, 130, 1));
    rows.addAll(query("b", 200, 150, 400, 250, 1));
    Results.SystemSummary plugin = Results.summarize(rows).stream()
        .filter(s -> s.system().equals("plugin")).findFirst().orElseThrow();
    assertThat(plugin.totalVsStock()).isCloseTo(380.0 / 300, within(1e-9));
    assertThat(plugin.slower12()).isEqualTo(2);
    assertThat(plugin.slower2()).isZero();
    assertThat(plugin.worstRatio()).isCloseTo(1.3, within(1e-9));
  }
}
