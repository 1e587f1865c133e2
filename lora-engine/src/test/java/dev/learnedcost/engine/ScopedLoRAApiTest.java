package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopedLoRAApiTest {
  private static final int DIM = 8;
  private static final float[] X = {1, -2, 3, 0.5f, 0, 7, -1, 2};

  static void rejects(ScopedLoRA s, Executable call, Class<? extends Throwable> type,
      String message) {
    List<Object> before = EngineState.of(s);
    assertThatThrownBy(call::execute).isInstanceOf(type).hasMessage(message);
    assertThat(EngineState.of(s)).isEqualTo(before);
  }

  static float[] gradient(int seed) {
    float[] g = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      g[i] = (float) Math.sin(seed * 7 + i * 1.3);
    }
    return g;
  }

  static ScopedLoRA withHistory() {
    ScopedLoRA s = new ScopedLoRA(DIM, 0.5f, 0.1f);
    for (int k = 0; k < 3; k++) {
      s.adaptArray(OperatorScope.HashJoin, gradient(k));
      s.adaptArray(OperatorScope.SeqScan, gradient(k + 10));
    }
    s.forwardArray(OperatorScope.HashJoin, X);
    return s;
  }

  /**
   * The blended output for the blend decision made here, independently of {@code ScopedLoRA}
   * ({@code w = min(n/10, 1)} while fallback is on and {@code n < 10}, else the operator alone;
   * the category alone at {@code n = 0}),
   * computed with the active kernel so that it can be compared bit for bit; that the kernel's
   * blend is {@code w * y_op + (1 - w) * y_cat} is {@code VectorizationTest}'s concern.
   */
  static float[] expectedBlend(ScopedLoRA s, OperatorScope scope, float[] x) {
    LoraPair op = s.operatorPair(scope.id());
    LoraPair cat = s.categoryPair(scope.category().id());
    float[] y = new float[DIM];
    if (!s.categoryFallback() || op.adaptCount >= 10) {
      assertThat(op.forward(x, y)).isTrue();
    } else if (op.adaptCount == 0) {
      assertThat(cat.forward(x, y)).isTrue();
    } else {
      float w = Math.min(op.adaptCount / 10f, 1f);
      assertThat(Vectorization.kernel().blend(op, cat, w, x, y)).isTrue();
    }
    return y;
  }

  @Test
  void defaults_matchReference() {
    ScopedLoRA s = new ScopedLoRA();
    assertThat(s.dim()).isEqualTo(256);
    assertThat(s.alpha()).isEqualTo(0.1f);
    assertThat(s.learningRate()).isEqualTo(0.01f);
    assertThat(s.categoryFallback()).isTrue();
  }

  @Test
  void scopeName_knownAndUnknownIds() {
    assertThat(ScopedLoRA.scopeName(2)).isEqualTo("HnswScan");
    assertThat(ScopedLoRA.scopeName(16)).isEqualTo("Result");
    assertThat(ScopedLoRA.scopeName(17)).isEqualTo("Unknown");
    assertThat(ScopedLoRA.scopeName(-1)).isEqualTo("Unknown");
    for (OperatorScope scope : OperatorScope.values()) {
      assertThat(ScopedLoRA.scopeName(scope.id())).isEqualTo(scope.displayName());
      assertThat(OperatorScope.fromId(scope.id())).isSameAs(scope);
    }
  }

  @Test
  void scopes_haveReferenceIdsAndCategories() {
    assertThat(OperatorScope.values()).hasSize(17);
    assertThat(OperatorScope.IvfFlatScan.id()).isEqualTo(3);
    assertThat(OperatorScope.MergeJoin.id()).isEqualTo(6);
    assertThat(OperatorScope.Rerank.id()).isEqualTo(14);
    assertThat(OperatorScope.Result.category()).isEqualTo(OperatorCategory.Utility);
    assertThat(OperatorScope.GroupBy.category()).isEqualTo(OperatorCategory.Aggregation);
    assertThat(OperatorScope.VectorDistance.category()).isEqualTo(OperatorCategory.Vector);
    assertThat(OperatorCategory.Vector.id()).isEqualTo(5);
    assertThatThrownBy(() -> OperatorScope.fromId(17))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("opType must be in 0..16, got 17");
    assertThatThrownBy(() -> OperatorCategory.fromId(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("category id must be in 0..6, got 7");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 17, 255})
  void everyOperatorMethod_badOpType_throwsAndKeepsState(int bad) {
    ScopedLoRA s = withHistory();
    String msg = "opType must be in 0..16, got " + bad;
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    rejects(s, () -> s.forwardArray(bad, X), iae, msg);
    rejects(s, () -> s.forwardInto(bad, X, new float[DIM]), iae, msg);
    rejects(s, () -> s.forward(bad), iae, msg);
    rejects(s, () -> s.adaptArray(bad, gradient(1)), iae, msg);
    rejects(s, () -> s.adapt(bad), iae, msg);
    rejects(s, () -> s.adaptWithReward(bad, 1f), iae, msg);
    rejects(s, () -> s.trainStep(bad, X, gradient(2)), iae, msg);
    rejects(s, () -> s.trainTargets(bad, X, new int[] {0}, new float[] {1}), iae, msg);
    rejects(s, () -> s.resetScope(bad), iae, msg);
    rejects(s, () -> s.forwardCount(bad), iae, msg);
    rejects(s, () -> s.adaptCount(bad), iae, msg);
    rejects(s, () -> s.deltaNorm(bad), iae, msg);
  }

  @Test
  void vectors_wrongLengthOrNonFinite_throwAndKeepState() {
    ScopedLoRA s = withHistory();
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    rejects(s, () -> s.forwardArray(5, new float[DIM + 1]), iae,
        "input length must equal dim (8), got 9");
    rejects(s, () -> s.forwardInto(5, X, new float[DIM - 1]), iae,
        "out length must equal dim (8), got 7");
    rejects(s, () -> s.adaptArray(5, new float[3]), iae,
        "gradient length must equal dim (8), got 3");
    float[] nan = X.clone();
    nan[6] = Float.NaN;
    rejects(s, () -> s.forwardArray(OperatorScope.SeqScan, nan), iae,
        "input[6] must be finite, got NaN");
    rejects(s, () -> s.adaptArray(OperatorScope.SeqScan, nan), iae,
        "gradient[6] must be finite, got NaN");
    System.arraycopy(nan, 0, s.inputBuffer(), 0, DIM);
    rejects(s, () -> s.forward(OperatorScope.Filter), iae,
        "inputBuffer[6] must be finite, got NaN");
    rejects(s, () -> s.adapt(OperatorScope.Filter), iae,
        "inputBuffer[6] must be finite, got NaN");
    Arrays.fill(s.inputBuffer(), 1f);
    rejects(s, () -> s.adaptWithReward(OperatorScope.Filter, Float.NaN), iae,
        "improvement must be finite, got NaN");
    rejects(s, () -> s.forwardInto(1, s.inputBuffer(), s.inputBuffer()), iae,
        "out must be a different array from input");
  }

  @Test
  void constructor_badArguments_throw() {
    assertThatThrownBy(() -> new ScopedLoRA(300, 0.1f, 0.01f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("dim must be in 1..256, got 300");
    assertThatThrownBy(() -> new ScopedLoRA(8, Float.NaN, 0.01f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> new ScopedLoRA(8, 0.1f, -1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("learningRate must be finite and >= 0, got -1.0");
  }

  @Test
  void forward_blendWeight_isMinOfAdaptationsOverTenAndOne() {
    ScopedLoRA s = new ScopedLoRA(DIM, 0.5f, 0.1f);
    // Give the category adapter its own history through a sibling scope first.
    for (int k = 0; k < 4; k++) {
      s.adaptArray(OperatorScope.NestedLoopJoin, gradient(100 + k));
    }
    for (int n = 0; n <= 12; n++) {
      assertThat(s.adaptCount(OperatorScope.HashJoin)).isEqualTo(n);
      float[] expected = expectedBlend(s, OperatorScope.HashJoin, X);
      assertThat(s.forwardArray(OperatorScope.HashJoin, X)).as("n=%d", n)
          .containsExactly(expected);
      if (n > 0 && n < 10) {
        assertThat(expected).as("n=%d is a real blend, not the operator alone", n)
            .isNotEqualTo(onlyOperator(s));
      }
      s.adaptArray(OperatorScope.HashJoin, gradient(n));
    }
    assertThat(s.forwardArray(OperatorScope.HashJoin, X)).containsExactly(onlyOperator(s));
  }

  private static float[] onlyOperator(ScopedLoRA s) {
    LoraPair op = s.operatorPair(OperatorScope.HashJoin.id());
    float[] y = new float[DIM];
    assertThat(op.forward(X, y)).isTrue();
    return y;
  }

  @Test
  void forward_fallbackOff_usesOperatorOnly() {
    ScopedLoRA s = withHistory();
    s.setCategoryFallback(false);
    assertThat(s.forwardArray(OperatorScope.HashJoin, X)).containsExactly(onlyOperator(s));
    // An operator with no history is then the identity, whatever its category learned.
    assertThat(s.forwardArray(OperatorScope.MergeJoin, X)).containsExactly(X);
  }

  @Test
  void adapt_oneScan_transfersToAnotherScanThroughCategory() {
    ScopedLoRA s = new ScopedLoRA(DIM, 0.5f, 0.1f);
    s.adaptArray(OperatorScope.HnswScan, gradient(3));
    float[] seq = s.forwardArray(OperatorScope.SeqScan, X);
    assertThat(seq).isNotEqualTo(X);
    LoraPair scanCat = s.categoryPair(OperatorCategory.Scan.id());
    float[] cat = new float[DIM];
    assertThat(scanCat.forward(X, cat)).isTrue();
    assertThat(seq).containsExactly(cat);
    assertThat(s.forwardArray(OperatorScope.HashJoin, X)).containsExactly(X);
    assertThat(s.adaptCount(OperatorScope.SeqScan)).isZero();
    assertThat(s.adaptCount(OperatorScope.HnswScan)).isEqualTo(1);
  }

  @Test
  void resetScope_keepsCategory_resetAllClearsEverything() {
    ScopedLoRA s = withHistory();
    s.resetScope(OperatorScope.HashJoin);
    assertThat(s.adaptCount(OperatorScope.HashJoin)).isZero();
    assertThat(s.forwardCount(OperatorScope.HashJoin)).isZero();
    assertThat(s.deltaNorm(OperatorScope.HashJoin)).isZero();
    assertThat(s.categoryPair(OperatorCategory.Join.id()).adaptCount).isEqualTo(3);
    assertThat(s.forwardArray(OperatorScope.HashJoin, X)).isNotEqualTo(X);
    s.resetAll();
    assertThat(s.totalAdaptCount()).isZero();
    assertThat(s.totalForwardCount()).isZero();
    for (OperatorScope scope : OperatorScope.values()) {
      assertThat(s.forwardArray(scope, X)).containsExactly(X);
    }
  }

  @Test
  void isIdentity_trueExactlyWhenForwardReturnsInput() {
    ScopedLoRA s = new ScopedLoRA(DIM, 0.5f, 0.1f);
    for (OperatorScope scope : OperatorScope.values()) {
      assertThat(s.isIdentity(scope)).isTrue();
    }
    s.adaptArray(OperatorScope.HnswScan, gradient(3));
    assertThat(s.isIdentity(OperatorScope.HnswScan)).isFalse();
    // SeqScan has no history of its own but blends with the trained Scan category.
    assertThat(s.isIdentity(OperatorScope.SeqScan)).isFalse();
    assertThat(s.forwardArray(OperatorScope.SeqScan, X)).isNotEqualTo(X);
    assertThat(s.isIdentity(OperatorScope.HashJoin)).isTrue();
    assertThat(s.forwardArray(OperatorScope.HashJoin, X)).containsExactly(X);
    s.setCategoryFallback(false);
    assertThat(s.isIdentity(OperatorScope.SeqScan)).isTrue();
    assertThat(s.forwardArray(OperatorScope.SeqScan, X)).containsExactly(X);
    s.resetAll();
    assertThat(s.isIdentity(OperatorScope.HnswScan)).isTrue();
    assertThatThrownBy(() -> s.isIdentity(17)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("17");
  }

  @Test
  void counters_totalsSumOperatorsNotCategories() {
    ScopedLoRA s = withHistory();
    assertThat(s.totalAdaptCount()).isEqualTo(6);
    s.forwardArray(OperatorScope.Sort, X);
    s.forwardInto(OperatorScope.Sort, X, new float[DIM]);
    assertThat(s.forwardCount(OperatorScope.Sort)).isEqualTo(2);
    assertThat(s.totalForwardCount()).isEqualTo(3);
  }

  @Test
  void adapt_tinyGradient_isNotCounted() {
    ScopedLoRA s = new ScopedLoRA(DIM, 0.5f, 0.1f);
    float[] tiny = new float[DIM];
    tiny[0] = 1e-9f;
    s.adaptArray(OperatorScope.Limit, tiny);
    assertThat(s.adaptCount(OperatorScope.Limit)).isZero();
    assertThat(s.deltaNorm(OperatorScope.Limit)).isZero();
  }
}
