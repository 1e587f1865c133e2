package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.CalciteMetadata;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.ScopeResolver;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import java.sql.Connection;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.junit.jupiter.api.Test;

class GuardrailTest {
  private static final double LN2 = Math.log(2);

  @Test
  void handler_exceptionInsideModel_fallsBackToStockAndCounts() throws Exception {
    LoraRuntimeConfig config = LoraRuntimeConfig.defaults();
    LearnedModel failing = new LearnedModel(new ScopedLoRA(config.dim(), 1f, 1f), config,
        ScopeResolver.withMappings(List.of(rel -> {
          throw new IllegalStateException("mapping failure");
        })));
    try (LoraRuntime runtime = LoraRuntime.open();
        Connection off = TpchH2.connect(runtime, LoraMode.OFF, false);
        Connection c = TpchH2.connect(new org.apache.calcite.jdbc.Driver().withPrepareFactory(
            () -> new LoraPrepare(runtime, Binding.planning(failing, LoraMode.ON), false)))) {
      String stock = TpchH2.plan(off, TpchH2.QUERIES.get(0));
      assertThat(TpchH2.plan(c, TpchH2.QUERIES.get(0))).isEqualTo(stock);
      assertThat(TpchH2.rows(c, TpchH2.QUERIES.get(0))).isNotEmpty();
    }
    long fallbacks = failing.counters().fallbacks();
    assertThat(fallbacks).isPositive();
    assertThat(failing.fallbacksByKind())
        .containsOnlyKeys(IllegalStateException.class.getName())
        .containsEntry(IllegalStateException.class.getName(), fallbacks);
  }

  @Test
  void correction_beyondClamps_isClampedToBounds() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    RelNode scan = MemorySchema.relBuilder().scan("NATION").build();
    float[] x = model.embed(scan, scan.getCluster().getMetadataQuery(), 100);
    for (int i = 0; i < 50; i++) {
      model.train(OperatorScope.SeqScan, x, Math.log(1e12), Math.log(1e6));
    }
    double[] f = model.correction(OperatorScope.SeqScan, x);

    assertThat(f[0]).isEqualTo(Math.exp(20 * LN2));
    assertThat(f[1]).isEqualTo(Math.exp(6 * LN2));
  }

  @Test
  void rowCount_disabledScope_keepsStockEstimate() {
    LearnedModel model = LearnedModel.untrained(
        LoraRuntimeConfig.builder().scopeEnabled(OperatorScope.SeqScan, false).build());
    RelNode scan = MemorySchema.relBuilder().scan("NATION").build();
    float[] x = model.embed(scan, scan.getCluster().getMetadataQuery(), 100);
    for (int i = 0; i < 20; i++) {
      model.train(OperatorScope.SeqScan, x, Math.log(100), Double.NaN);
    }
    CalciteMetadata.install(scan.getCluster(), Binding.planning(model, LoraMode.ON));
    RelMetadataQuery mq = scan.getCluster().getMetadataQuery();

    assertThat(mq.getRowCount(scan)).isEqualTo(100.0);
    assertThat(model.counters().forwards()).isZero();
    // The same adapters with the scope enabled correct the scan.
    LearnedModel enabled = new LearnedModel(model.scopedLoRA(), LoraRuntimeConfig.defaults());
    CalciteMetadata.install(scan.getCluster(), Binding.planning(enabled, LoraMode.ON));
    assertThat(scan.getCluster().getMetadataQuery().getRowCount(scan)).isGreaterThan(1000.0);
  }

  @Test
  void train_bothTargetsNaN_throwsNamingArguments() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    float[] x = new float[model.config().dim()];

    assertThatThrownBy(() -> model.train(OperatorScope.HashJoin, x, Double.NaN, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowsLogRatio and costLogRatio must not both be NaN; give at least one target");
    assertThat(model.scopedLoRA().adaptCount(OperatorScope.HashJoin)).isZero();
  }

  @Test
  void model_adaptersOfAnotherDim_throwsNamingBoth() {
    assertThatThrownBy(() -> new LearnedModel(new ScopedLoRA(64, 1f, 1f),
            LoraRuntimeConfig.builder().dim(32).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("adapter dim (64) must equal the configuration's dim (32)");
  }
}
