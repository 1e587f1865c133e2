package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.junit.jupiter.api.Test;

class GuardrailTest {
  private static final double LN2 = Math.log(2);

  @Test
  void handler_exceptionInsideModel_fallsBackToStockAndCounts() throws Exception {
    LoraCostModel model = LoraCostModel.create(LoraConfig.builder().mode(LoraMode.OFF).build());
    try (Connection c = TpchH2.connect(model)) {
      String stock = TpchH2.plan(c, TpchH2.QUERIES.get(0));
      model.setObserver((rel, scope, readout, x, base, factor) -> {
        throw new IllegalStateException("observer failure");
      });
      model.setMode(LoraMode.ON);

      assertThat(TpchH2.plan(c, TpchH2.QUERIES.get(0))).isEqualTo(stock);
      assertThat(TpchH2.rows(c, TpchH2.QUERIES.get(0))).isNotEmpty();
    }
    LoraStats stats = model.stats();
    assertThat(stats.fallbacks()).isPositive();
    assertThat(stats.fallbacksByKind())
        .containsOnlyKeys(IllegalStateException.class.getName())
        .containsEntry(IllegalStateException.class.getName(), stats.fallbacks());
  }

  @Test
  void correction_beyondClamps_isClampedToBounds() {
    LoraCostModel model = LoraCostModel.create();
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
    LoraCostModel model = LoraCostModel.create(
        LoraConfig.builder().scopeEnabled(OperatorScope.SeqScan, false).build());
    RelNode scan = MemorySchema.relBuilder().scan("NATION").build();
    float[] x = model.embed(scan, scan.getCluster().getMetadataQuery(), 100);
    for (int i = 0; i < 20; i++) {
      model.train(OperatorScope.SeqScan, x, Math.log(100), Double.NaN);
    }
    LoraCalcite.install(scan, model);
    RelMetadataQuery mq = scan.getCluster().getMetadataQuery();

    assertThat(mq.getRowCount(scan)).isEqualTo(100.0);
    assertThat(model.stats().forwards()).isZero();
    model.setConfig(model.config().toBuilder().scopeEnabled(OperatorScope.SeqScan, true).build());
    scan.getCluster().invalidateMetadataQuery();
    assertThat(scan.getCluster().getMetadataQuery().getRowCount(scan)).isGreaterThan(1000.0);
  }

  @Test
  void train_bothTargetsNaN_throwsNamingArguments() {
    LoraCostModel model = LoraCostModel.create();
    float[] x = new float[model.config().dim()];

    assertThatThrownBy(() -> model.train(OperatorScope.HashJoin, x, Double.NaN, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowsLogRatio and costLogRatio must not both be NaN; give at least one target");
    assertThat(model.scopedLoRA().adaptCount(OperatorScope.HashJoin)).isZero();
  }

  @Test
  void setConfig_otherDim_throwsAndKeepsConfig() {
    LoraCostModel model = LoraCostModel.create();
    LoraConfig before = model.config();

    assertThatThrownBy(() -> model.setConfig(LoraConfig.builder().dim(32).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("newConfig must keep dim, alpha, learningRate and biasOnly"
            + " (64, 1.0, 1.0, false), got (32, 1.0, 1.0, false)");
    assertThat(model.config()).isSameAs(before);
  }

  @Test
  void save_engineWithoutSnapshots_orWith_behavesAsDocumented() throws Exception {
    LoraCostModel model = LoraCostModel.create();
    java.nio.file.Path file = java.nio.file.Files.createTempDirectory("lora").resolve("m.lora");
    boolean engineHasSnapshots = hasMethod("save");
    if (engineHasSnapshots) {
      model.save(file);
      assertThat(LoraCostModel.open(file, LoraConfig.defaults()).config().dim()).isEqualTo(64);
    } else {
      assertThatThrownBy(() -> model.save(file))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("ScopedLoRA.save(Path)");
    }
  }

  private static boolean hasMethod(String name) {
    try {
      dev.learnedcost.engine.ScopedLoRA.class.getMethod(name, java.nio.file.Path.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
