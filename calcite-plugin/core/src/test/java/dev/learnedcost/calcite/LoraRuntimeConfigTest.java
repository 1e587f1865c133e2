package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import org.junit.jupiter.api.Test;

class LoraRuntimeConfigTest {
  @Test
  void defaults_matchDocumentedValues() {
    LoraRuntimeConfig c = LoraRuntimeConfig.defaults();

    assertThat(c.mode()).isEqualTo(LoraMode.ON);
    assertThat(c.enabledScopes()).hasSize(OperatorScope.COUNT);
    assertThat(c.dim()).isEqualTo(64);
    assertThat(c.alpha()).isEqualTo(1f);
    assertThat(c.learningRate()).isEqualTo(1f);
    assertThat(c.rowLog2Min()).isEqualTo(-20);
    assertThat(c.rowLog2Max()).isEqualTo(20);
    assertThat(c.costLog2Min()).isEqualTo(-6);
    assertThat(c.costLog2Max()).isEqualTo(6);
    assertThat(c.categoryFallback()).isFalse();
    assertThat(c.biasOnly()).isFalse();
    assertThat(c.queueCapacity()).isEqualTo(256);
    assertThat(c.synchronous()).isFalse();
    assertThat(c.stepsPerObservation()).isEqualTo(3);
    assertThat(c.learnCost()).isTrue();
    assertThat(c.guardEnabled()).isTrue();
    assertThat(c.stateFile()).isNull();
    assertThat(c.saveEvery()).isEqualTo(100);
    assertThat(c.saveOnShutdown()).isFalse();
  }

  @Test
  void build_badLearningAndSaveSettings_throwNamingSettingAndValue() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().queueCapacity(0).build())
        .hasMessage("queueCapacity must be >= 1, got 0");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().stepsPerObservation(65).build())
        .hasMessage("stepsPerObservation must be in 0..64, got 65");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().saveEvery(-1).build())
        .hasMessage("saveEvery must be >= 0, got -1");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder()
            .drainTimeout(java.time.Duration.ZERO).build())
        .hasMessage("drainTimeout must be positive, got PT0S");
  }

  @Test
  void build_badGuardSettings_throwNamingTheBuilderSetting() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().guardThreshold(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("guardThreshold must be finite and > 1, got 1.0");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().guardWindow(0).build())
        .hasMessage("guardWindow must be in 1..64, got 0");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().guardBaselineRuns(4).build())
        .hasMessage("guardBaselineRuns must be in 0..guardWindow (3), got 4");
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().guardThreshold(6).build())
        .hasMessage("guardSevereFactor must be finite and >= guardThreshold (6.0), got 5.0");
    assertThat(LoraRuntimeConfig.builder().guardThreshold(6).guardSevereFactor(6).build()
        .guardEnabled()).isTrue();
  }

  @Test
  void build_dimOutOfRange_throwsNamingRuleAndValue() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().dim(300).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dim must be in 32..256, got 300");
  }

  @Test
  void build_clampWithoutZero_throws() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().rowClampLog2(1, 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowClampLog2 bounds must include 0 (no correction), got [1.0, 20.0]");
  }

  @Test
  void build_nonFiniteClamp_throws() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().costClampLog2(Double.NaN, 6).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("costClampLog2 bounds must be finite, got [NaN, 6.0]");
  }

  @Test
  void build_nonPositiveLearningRate_throws() {
    assertThatThrownBy(() -> LoraRuntimeConfig.builder().learningRate(0f).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learningRate must be finite and > 0, got 0.0");
  }

  @Test
  void parseMode_caseInsensitive_andRejectsOthers() {
    assertThat(LoraMode.parse("Shadow")).isEqualTo(LoraMode.SHADOW);
    assertThatThrownBy(() -> LoraMode.parse("auto"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mode must be one of off, shadow, on, got 'auto'");
  }

  @Test
  void toBuilder_roundTrip_keepsEverything() {
    LoraRuntimeConfig c = LoraRuntimeConfig.builder().mode(LoraMode.SHADOW)
        .scopeEnabled(OperatorScope.Sort, false).rowClampLog2(-10, 12).build();
    LoraRuntimeConfig copy = c.toBuilder().build();

    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.isEnabled(OperatorScope.Sort)).isFalse();
  }
}
