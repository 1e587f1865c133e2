package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MicroLoRAApiTest {

  /** Runs {@code call}, expects the exception and message, and checks the state did not move. */
  static void rejects(MicroLoRA m, Executable call, Class<? extends Throwable> type,
      String message) {
    List<Object> before = EngineState.of(m);
    assertThatThrownBy(call::execute).isInstanceOf(type).hasMessage(message);
    assertThat(EngineState.of(m)).isEqualTo(before);
  }

  /** A model with some history, so that "unchanged" is a real claim. */
  static MicroLoRA trained(int dim) {
    MicroLoRA m = new MicroLoRA(dim, 0.5f, 0.1f);
    float[] g = new float[dim];
    for (int i = 0; i < dim; i++) {
      g[i] = (i % 3) - 1f + 0.25f;
    }
    m.adaptArray(g);
    m.forwardArray(g);
    Arrays.fill(m.inputBuffer(), 0.5f);
    m.forward();
    return m;
  }

  @Test
  void defaults_matchReference() {
    MicroLoRA m = new MicroLoRA();
    assertThat(m.dim()).isEqualTo(256);
    assertThat(m.alpha()).isEqualTo(0.1f);
    assertThat(m.learningRate()).isEqualTo(0.01f);
    assertThat(m.paramCount()).isEqualTo(1024);
    assertThat(m.inputBuffer()).hasSize(256);
    assertThat(m.outputBuffer()).hasSize(256);
  }

  @Test
  void forward_untrained_isIdentity() {
    MicroLoRA m = new MicroLoRA(8, 0.3f, 0.1f);
    float[] x = {1, -2, 3, 0.5f, 0, 7, -1, 2};
    assertThat(m.forwardArray(x)).containsExactly(x);
    assertThat(m.deltaNorm()).isZero();
  }

  @Test
  void forward_afterAdapt_movesOutput() {
    MicroLoRA m = new MicroLoRA(8, 0.3f, 0.1f);
    float[] x = {1, -2, 3, 0.5f, 0, 7, -1, 2};
    m.adaptArray(new float[] {1, 1, 1, 1, 1, 1, 1, 1});
    assertThat(m.forwardArray(x)).isNotEqualTo(x);
    assertThat(m.deltaNorm()).isPositive();
    assertThat(m.adaptCount()).isEqualTo(1);
    assertThat(m.forwardCount()).isEqualTo(1);
  }

  @Test
  void bufferPath_equalsArrayPath() {
    MicroLoRA m = trained(16);
    float[] x = new float[16];
    for (int i = 0; i < 16; i++) {
      x[i] = i * 0.1f - 0.7f;
    }
    float[] viaArray = m.forwardArray(x);
    System.arraycopy(x, 0, m.inputBuffer(), 0, 16);
    m.forward();
    assertThat(m.outputBuffer()).containsExactly(viaArray);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 257, 1000})
  void constructor_dimOutOfRange_throws(int dim) {
    assertThatThrownBy(() -> new MicroLoRA(dim, 0.1f, 0.01f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dim must be in 1..256, got " + dim);
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.5f})
  void constructor_badAlphaOrLearningRate_throws(float bad) {
    assertThatThrownBy(() -> new MicroLoRA(8, bad, 0.01f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be finite and >= 0, got " + bad);
    assertThatThrownBy(() -> new MicroLoRA(8, 0.1f, bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learningRate must be finite and >= 0, got " + bad);
  }

  @Test
  void forwardArray_wrongLength_throwsAndKeepsState() {
    MicroLoRA m = trained(64);
    rejects(m, () -> m.forwardArray(new float[63]), IllegalArgumentException.class,
        "input length must equal dim (64), got 63");
    rejects(m, () -> m.forwardArray(new float[65]), IllegalArgumentException.class,
        "input length must equal dim (64), got 65");
    rejects(m, () -> m.forwardArray(null), NullPointerException.class,
        "input must not be null");
  }

  @Test
  void forwardArray_nonFinite_throwsAndKeepsState() {
    MicroLoRA m = trained(8);
    float[] x = new float[8];
    x[3] = Float.NaN;
    rejects(m, () -> m.forwardArray(x), IllegalArgumentException.class,
        "input[3] must be finite, got NaN");
    x[3] = 0;
    x[7] = Float.NEGATIVE_INFINITY;
    rejects(m, () -> m.forwardArray(x), IllegalArgumentException.class,
        "input[7] must be finite, got -Infinity");
  }

  @Test
  void forwardArray_finiteButOverflowing_throwsAndKeepsState() {
    MicroLoRA m = new MicroLoRA(8, 0.1f, 0.01f);
    // A as a supervised step could have left it: x . a0 overflows for two maximal inputs.
    m.pair().a0[0] = 1f;
    m.pair().a0[1] = 1f;
    float[] x = new float[8];
    x[0] = Float.MAX_VALUE;
    x[1] = Float.MAX_VALUE;
    rejects(m, () -> m.forwardArray(x), IllegalArgumentException.class,
        "input overflows the float range in the projection x A (largest |input[i]| is "
            + Float.MAX_VALUE + "); scale it to a smaller range");
  }

  @Test
  void forward_nonFiniteBuffer_throwsAndKeepsOutputBuffer() {
    MicroLoRA m = trained(8);
    m.inputBuffer()[5] = Float.POSITIVE_INFINITY;
    rejects(m, m::forward, IllegalArgumentException.class,
        "inputBuffer[5] must be finite, got Infinity");
  }

  @Test
  void adaptArray_badGradient_throwsAndKeepsWeights() {
    MicroLoRA m = trained(8);
    rejects(m, () -> m.adaptArray(new float[7]), IllegalArgumentException.class,
        "gradient length must equal dim (8), got 7");
    float[] g = new float[8];
    g[0] = Float.NaN;
    rejects(m, () -> m.adaptArray(g), IllegalArgumentException.class,
        "gradient[0] must be finite, got NaN");
    float[] huge = new float[8];
    Arrays.fill(huge, 1e30f);
    rejects(m, () -> m.adaptArray(huge), IllegalArgumentException.class,
        "gradient overflows the float range in the squared norm (largest |gradient[i]| is 1.0E30);"
            + " scale it to a smaller range");
  }

  @Test
  void adapt_nonFiniteBuffer_throwsAndKeepsWeights() {
    MicroLoRA m = trained(8);
    m.inputBuffer()[2] = Float.NaN;
    rejects(m, m::adapt, IllegalArgumentException.class, "inputBuffer[2] must be finite, got NaN");
  }

  @Test
  void adaptWithReward_nonFiniteImprovement_throwsAndKeepsWeights() {
    MicroLoRA m = trained(8);
    rejects(m, () -> m.adaptWithReward(Float.NaN), IllegalArgumentException.class,
        "improvement must be finite, got NaN");
    rejects(m, () -> m.adaptWithReward(Float.POSITIVE_INFINITY), IllegalArgumentException.class,
        "improvement must be finite, got Infinity");
  }

  @Test
  void adaptWithReward_nonPositive_changesNothingButCounts() {
    MicroLoRA m = trained(8);
    float[] b0 = m.pair().b0.clone();
    long count = m.adaptCount();
    Arrays.fill(m.inputBuffer(), 1f);
    m.adaptWithReward(0f);
    m.adaptWithReward(-1f);
    assertThat(m.pair().b0).containsExactly(b0);
    assertThat(m.adaptCount()).isEqualTo(count + 2);
  }

  @Test
  void adaptWithReward_scalesByImprovementCappedAtTwo() {
    MicroLoRA a = new MicroLoRA(4, 1f, 0.1f);
    MicroLoRA b = new MicroLoRA(4, 1f, 0.1f);
    Arrays.fill(a.inputBuffer(), 1f);
    Arrays.fill(b.inputBuffer(), 1f);
    a.adaptWithReward(2f);
    b.adaptWithReward(50f);
    assertThat(b.pair().b0).containsExactly(a.pair().b0);
  }

  @Test
  void reset_clearsWeightsAndCounters() {
    MicroLoRA m = trained(8);
    m.reset();
    assertThat(m.forwardCount()).isZero();
    assertThat(m.adaptCount()).isZero();
    assertThat(m.deltaNorm()).isZero();
    assertThat(EngineState.of(m.pair())).isEqualTo(EngineState.of(new LoraPair(8, 0.5f, 0.1f)));
  }
}
