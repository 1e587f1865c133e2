package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

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
    LoraCostModel model = LoraCostModel.create(LoraConfig.builder().mode(LoraMode.OFF).build());
    try (Connection c = TpchH2.connect(model)) {
      List<String> off = new ArrayList<>();
      for (String q : TpchH2.QUERIES) {
        off.add(TpchH2.plan(c, q));
      }
      assertThat(model.stats().forwards()).isZero();
      model.setMode(LoraMode.ON);
      for (int i = 0; i < TpchH2.QUERIES.size(); i++) {
        assertThat(TpchH2.plan(c, TpchH2.QUERIES.get(i))).as("query %d", i).isEqualTo(off.get(i));
      }
      assertThat(model.stats().forwards()).as("the model was consulted").isPositive();
    }
  }

  @Test
  void rows_offShadowOnWithAPerturbedModel_equalStockCalcite() throws Exception {
    LoraCostModel model = LoraCostModel.create(LoraConfig.builder().mode(LoraMode.OFF).build());
    perturb(model);
    try (Connection stock = TpchH2.connectStock(); Connection lora = TpchH2.connect(model)) {
      int changedPlans = 0;
      for (String q : TpchH2.QUERIES) {
        model.setMode(LoraMode.OFF);
        String off = TpchH2.plan(lora, q);
        model.setMode(LoraMode.ON);
        changedPlans += off.equals(TpchH2.plan(lora, q)) ? 0 : 1;
      }
      assertThat(changedPlans).as("the perturbed model changes some plans (seed %d)", SEED)
          .isPositive();
      for (int i = 0; i < TpchH2.QUERIES.size(); i++) {
        String q = TpchH2.QUERIES.get(i);
        List<List<String>> expected = TpchH2.rows(stock, q);
        assertThat(expected).as("query %d returns rows", i).isNotEmpty();
        for (LoraMode mode : LoraMode.values()) {
          model.setMode(mode);
          assertThat(TpchH2.rows(lora, q)).as("query %d in mode %s (seed %d)", i, mode, SEED)
              .isEqualTo(expected);
        }
      }
      assertThat(model.stats().rowCorrections() + model.stats().costCorrections()).isPositive();
    }
  }

  /** Trains every scope towards random corrections so that ON mode plans differently. */
  private static void perturb(LoraCostModel model) {
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
