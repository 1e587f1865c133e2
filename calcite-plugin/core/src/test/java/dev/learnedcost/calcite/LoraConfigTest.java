package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import org.junit.jupiter.api.Test;

class LoraConfigTest {
  @Test
  void defaults_matchDocumentedValues() {
    LoraConfig c = LoraConfig.defaults();

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
  }

  @Test
  void build_dimOutOfRange_throwsNamingRuleAndValue() {
    assertThatThrownBy(() -> LoraConfig.builder().dim(300).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dim must be in 32..256, got 300");
  }

  @Test
  void build_clampWithoutZero_throws() {
    assertThatThrownBy(() -> LoraConfig.builder().rowClampLog2(1, 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowClampLog2 bounds must include 0 (no correction), got [1.0, 20.0]");
  }

  @Test
  void build_nonFiniteClamp_throws() {
    assertThatThrownBy(() -> LoraConfig.builder().costClampLog2(Double.NaN, 6).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("costClampLog2 bounds must be finite, got [NaN, 6.0]");
  }

  @Test
  void build_nonPositiveLearningRate_throws() {
    assertThatThrownBy(() -> LoraConfig.builder().learningRate(0f).build())
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
    LoraConfig c = LoraConfig.builder().mode(LoraMode.SHADOW)
        .scopeEnabled(OperatorScope.Sort, false).rowClampLog2(-10, 12).build();
    LoraConfig copy = c.toBuilder().build();

    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.isEnabled(OperatorScope.Sort)).isFalse();
  }
}
