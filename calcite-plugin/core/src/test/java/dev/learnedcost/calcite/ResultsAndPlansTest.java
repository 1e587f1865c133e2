package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plugin never changes answers, and an untrained model never changes plans. */
class ResultsAndPlansTest {
  private static final long SEED = 42;

  @Test
  void plans_untrainedModelOn_equalModelOff() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open();
        Connection offConnection = TpchH2.connect(runtime, LoraMode.OFF, false);
        Connection onConnection = TpchH2.connect(runtime, LoraMode.ON, false)) {
      List<String> off = new ArrayList<>();
      for (String q : TpchH2.QUERIES) {
        off.add(TpchH2.plan(offConnection, q));
      }
      assertThat(runtime.stats().forwards()).isZero();
      for (int i = 0; i < TpchH2.QUERIES.size(); i++) {
        assertThat(TpchH2.plan(onConnection, TpchH2.QUERIES.get(i))).as("query %d", i)
            .isEqualTo(off.get(i));
      }
      assertThat(runtime.stats().forwards()).as("the model was consulted").isPositive();
    }
  }

  @Test
  void rows_offShadowOnWithAPerturbedModel_equalStockCalcite() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open();
        Connection stock = TpchH2.connectStock();
        Connection off = TpchH2.connect(runtime, LoraMode.OFF, false);
        Connection shadow = TpchH2.connect(runtime, LoraMode.SHADOW, false);
        Connection on = TpchH2.connect(runtime, LoraMode.ON, false)) {
      perturb(runtime.model());
      java.util.Map<LoraMode, Connection> byMode =
          java.util.Map.of(LoraMode.OFF, off, LoraMode.SHADOW, shadow, LoraMode.ON, on);
      int changedPlans = 0;
      for (String q : TpchH2.QUERIES) {
        changedPlans += TpchH2.plan(off, q).equals(TpchH2.plan(on, q)) ? 0 : 1;
      }
      assertThat(changedPlans).as("the perturbed model changes some plans (seed %d)", SEED)
          .isPositive();
      for (int i = 0; i < TpchH2.QUERIES.size(); i++) {
        String q = TpchH2.QUERIES.get(i);
        List<List<String>> expected = TpchH2.rows(stock, q);
        assertThat(expected).as("query %d returns rows", i).isNotEmpty();
        for (LoraMode mode : LoraMode.values()) {
          assertThat(TpchH2.rows(byMode.get(mode), q)).as("query %d in mode %s (seed %d)", i, mode, SEED)
              .isEqualTo(expected);
        }
      }
      assertThat(runtime.stats().rowCorrections() + runtime.stats().costCorrections())
          .isPositive();
    }
  }

  /** Trains every scope towards random corrections so that ON mode plans differently. */
  private static void perturb(LearnedModel model) {
    Random random = new Random(SEED);
    float[] x = new float[model.config().dim()];
    for (OperatorScope scope : OperatorScope.values()) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      x[CostEmbedding.READOUT_ROWS] = 0;
      x[CostEmbedding.READOUT_COST] = 0;
      for (int step = 0; step < 10; step++) {
        model.train(scope, x, random.nextGaussian() * 3, random.nextGaussian() * 2);
      }
    }
  }
}
