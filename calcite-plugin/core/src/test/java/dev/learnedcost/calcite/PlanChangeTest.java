package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model trained through {@link LoraCostModel#train} to make hash joins 50 times dearer makes
 * the three-table join choose another algorithm; the same model in shadow mode keeps the plan.
 */
class PlanChangeTest {
  private static final String QUERY = TpchH2.QUERIES.get(0);
  private static final double TARGET = Math.log(50);
  /** Accepted distance of a trained correction from x50, as a factor. */
  private static final double FACTOR_TOLERANCE = 1.10;

  @Test
  void plan_hashJoinCostTrainedTimes50_choosesAnotherJoinAndShadowKeepsStock() throws Exception {
    LoraCostModel model = LoraCostModel.create(LoraConfig.builder().mode(LoraMode.OFF).build());
    try (Connection c = TpchH2.connect(model)) {
      String stock = TpchH2.plan(c, QUERY);
      assertThat(stock).as("precondition: the stock plan hash-joins").contains("EnumerableHashJoin");

      // Collect the embeddings of every hash join the planner costs (in shadow mode).
      Map<String, float[]> samples = new LinkedHashMap<>();
      model.setObserver((rel, scope, readout, x, base, factor) -> {
        if (scope == OperatorScope.HashJoin && readout == CostEmbedding.READOUT_COST) {
          samples.putIfAbsent(Arrays.toString(x), x.clone());
        }
      });
      model.setMode(LoraMode.SHADOW);
      assertThat(TpchH2.plan(c, QUERY)).isEqualTo(stock);
      model.setObserver(null);
      assertThat(samples).isNotEmpty();

      List<float[]> xs = new ArrayList<>(samples.values());
      for (int round = 0; round < 200 && !allNear(model, xs); round++) {
        for (float[] x : xs) {
          model.train(OperatorScope.HashJoin, x, Double.NaN, TARGET);
        }
      }
      assertThat(allNear(model, xs)).as("every hash join corrected x50 within 10%%").isTrue();

      model.setMode(LoraMode.ON);
      String learned = TpchH2.plan(c, QUERY);
      assertThat(learned).doesNotContain("EnumerableHashJoin")
          .containsAnyOf("EnumerableMergeJoin", "EnumerableNestedLoopJoin",
              "EnumerableBatchNestedLoopJoin");
      assertThat(model.stats().costCorrections()).isPositive();

      model.setMode(LoraMode.SHADOW);
      assertThat(TpchH2.plan(c, QUERY)).isEqualTo(stock);
    }
  }

  private static boolean allNear(LoraCostModel model, List<float[]> xs) {
    for (float[] x : xs) {
      double f = model.correction(OperatorScope.HashJoin, x)[1];
      if (f < 50 / FACTOR_TOLERANCE || f > 50 * FACTOR_TOLERANCE) {
        return false;
      }
    }
    return true;
  }
}
