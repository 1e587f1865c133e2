package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.TraceCaptures;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model trained through its adapters' supervised steps to make hash joins 50 times dearer makes
 * the three-table join choose another algorithm; the same model in shadow mode keeps the plan.
 */
class PlanChangeTest {
  private static final String QUERY = TpchH2.QUERIES.get(0);
  private static final double TARGET = Math.log(50);
  /** Accepted distance of a trained correction from x50, as a factor. */
  private static final double FACTOR_TOLERANCE = 1.10;

  @Test
  void plan_hashJoinCostTrainedTimes50_choosesAnotherJoinAndShadowKeepsStock() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open();
        Connection off = TpchH2.connect(runtime, LoraMode.OFF, false);
        Connection shadow = TpchH2.connect(runtime, LoraMode.SHADOW, false);
        Connection on = TpchH2.connect(runtime, LoraMode.ON, false)) {
      LearnedModel model = runtime.model();
      String stock = TpchH2.plan(off, QUERY);
      assertThat(stock).as("precondition: the stock plan hash-joins").contains("EnumerableHashJoin");

      // Collect the embeddings of every hash join the planner costs (in shadow mode), through a
      // binding that captures every correction computed while planning.
      TraceCaptures captures = new TraceCaptures();
      Binding capturing = captures.bind(runtime.binding(LoraMode.SHADOW));
      try (Connection c = TpchH2.connect(new org.apache.calcite.jdbc.Driver()
          .withPrepareFactory(() -> new LoraPrepare(runtime, capturing, false)))) {
        assertThat(TpchH2.plan(c, QUERY)).isEqualTo(stock);
      }
      Map<String, float[]> samples = new LinkedHashMap<>();
      for (org.apache.calcite.rel.RelNode rel : captures.nodes()) {
        float[] x = captures.costEmbedding(rel);
        if (x != null && model.correctedScope(rel) == OperatorScope.HashJoin) {
          samples.putIfAbsent(Arrays.toString(x), x);
        }
      }
      assertThat(samples).isNotEmpty();

      List<float[]> xs = new ArrayList<>(samples.values());
      for (int round = 0; round < 200 && !allNear(model, xs); round++) {
        for (float[] x : xs) {
          model.train(OperatorScope.HashJoin, x, Double.NaN, TARGET);
        }
      }
      assertThat(allNear(model, xs)).as("every hash join corrected x50 within 10%%").isTrue();

      String learned = TpchH2.plan(on, QUERY);
      assertThat(learned).doesNotContain("EnumerableHashJoin")
          .containsAnyOf("EnumerableMergeJoin", "EnumerableNestedLoopJoin",
              "EnumerableBatchNestedLoopJoin");
      assertThat(runtime.stats().costCorrections()).isPositive();

      assertThat(TpchH2.plan(shadow, QUERY)).isEqualTo(stock);
    }
  }

  private static boolean allNear(LearnedModel model, List<float[]> xs) {
    for (float[] x : xs) {
      double f = model.correction(OperatorScope.HashJoin, x)[1];
      if (f < 50 / FACTOR_TOLERANCE || f > 50 * FACTOR_TOLERANCE) {
        return false;
      }
    }
    return true;
  }
}
