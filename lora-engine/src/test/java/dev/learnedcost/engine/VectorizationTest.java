package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernel choice follows the JVM: Panama when {@code jdk.incubator.vector} is present (so the
 * conformance run with {@code --add-modules jdk.incubator.vector} really exercises SIMD), the
 * unrolled kernel otherwise; every kernel agrees with the bit-exact scalar kernel within the
 * conformance tolerance, and rejects a non-finite input without writing the output.
 */
class VectorizationTest {
  private static final long SEED = 20261127L;
  private static final double ABS = ReferenceConformanceTest.ABS_TOLERANCE;
  private static final double REL = ReferenceConformanceTest.REL_TOLERANCE;

  @Test
  void activeKernel_followsTheModuleAndTheProperty() {
    String forced = System.getProperty(Vectorization.KERNEL_PROPERTY, "auto");
    if (forced.equals("scalar")) {
      assertThat(Vectorization.kernelName()).isEqualTo("scalar");
    } else if (forced.equals("unrolled") || !Vectorization.vectorModulePresent()) {
      assertThat(Vectorization.kernelName()).isEqualTo("scalar-unrolled");
    } else {
      assertThat(Vectorization.kernelName()).startsWith("panama-");
    }
  }

  @Test
  void select_unknownChoice_throwsWithTheAllowedValues() {
    assertThatThrownBy(() -> Vectorization.select("gpu"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "dev.learnedcost.engine.kernel must be auto, scalar, unrolled or panama, got 'gpu'");
    assertThat(Vectorization.select("scalar")).isSameAs(ScalarKernel.INSTANCE);
    assertThat(Vectorization.select("unrolled")).isSameAs(UnrolledKernel.INSTANCE);
  }

  @Test
  void select_panama_requiresTheModule() {
    if (Vectorization.vectorModulePresent()) {
      assertThat(Vectorization.select("panama").name()).startsWith("panama-");
    } else {
      assertThatThrownBy(() -> Vectorization.select("panama"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("--add-modules jdk.incubator.vector");
    }
  }

  @Test
  void panamaKernel_agreesWithScalarWithinTolerance() {
    assumeTrue(Vectorization.vectorModulePresent(),
        "needs --add-modules jdk.incubator.vector (mvn ... -Dsurefire.extraArgLine=...)");
    assertAgreesWithScalar(Vectorization.select("panama"));
  }

  @Test
  void unrolledKernel_agreesWithScalarWithinTolerance() {
    assertAgreesWithScalar(UnrolledKernel.INSTANCE);
  }

  @Test
  void scalarKernel_blend_isTheReferenceFormula() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    int n = 17;
    LoraPair op = pair(rnd, n, 0.7f);
    LoraPair cat = pair(rnd, n, 0.5f);
    float[] x = SnapshotModels.vector(rnd, n);
    float w = 0.4f;
    float[] y = new float[n];
    assertThat(ScalarKernel.INSTANCE.blend(op, cat, w, x, y)).isTrue();
    float[] yo = new float[n];
    float[] yc = new float[n];
    assertThat(ScalarKernel.INSTANCE.forward(op, x, yo)).isTrue();
    assertThat(ScalarKernel.INSTANCE.forward(cat, x, yc)).isTrue();
    for (int i = 0; i < n; i++) {
      assertThat(y[i]).as("i=%d (seed %d)", i, SEED).isEqualTo(yo[i] * w + yc[i] * (1f - w));
    }
  }

  @Test
  void everyKernel_nonFiniteInput_returnsFalseAndLeavesOutputUntouched() {
    List<VectorKernel> kernels = new ArrayList<>(
        List.of(ScalarKernel.INSTANCE, UnrolledKernel.INSTANCE));
    if (Vectorization.vectorModulePresent()) {
      kernels.add(Vectorization.select("panama"));
    }
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (VectorKernel k : kernels) {
      for (int n : new int[] {1, 7, 8, 9, 33, 256}) {
        LoraPair op = pair(rnd, n, 0.7f);
        LoraPair cat = pair(rnd, n, 0.5f);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
          float[] x = SnapshotModels.vector(rnd, n);
          x[n - 1] = bad;
          float[] y = new float[n];
          assertThat(k.forward(op, x, y)).as("%s forward n=%d %s", k.name(), n, bad).isFalse();
          assertThat(k.blend(op, cat, 0.3f, x, y)).as("%s blend n=%d %s", k.name(), n, bad)
              .isFalse();
          assertThat(y).as("%s n=%d output untouched", k.name(), n).containsOnly(0f);
        }
      }
    }
  }

  private static LoraPair pair(SplittableRandom rnd, int n, float alpha) {
    LoraPair p = new LoraPair(n, alpha, 0.01f);
    System.arraycopy(SnapshotModels.vector(rnd, n), 0, p.a0, 0, n);
    System.arraycopy(SnapshotModels.vector(rnd, n), 0, p.a1, 0, n);
    System.arraycopy(SnapshotModels.vector(rnd, n), 0, p.b0, 0, n);
    System.arraycopy(SnapshotModels.vector(rnd, n), 0, p.b1, 0, n);
    return p;
  }

  private static void assertAgreesWithScalar(VectorKernel p) {
    VectorKernel s = ScalarKernel.INSTANCE;
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int n : new int[] {1, 3, 8, 15, 16, 17, 33, 64, 100, 255, 256}) {
      float[] x = SnapshotModels.vector(rnd, n);
      float[] a = SnapshotModels.vector(rnd, n);
      float[] b = SnapshotModels.vector(rnd, n);
      long dp = p.dot2(x, a, b, n);
      long ds = s.dot2(x, a, b, n);
      close(n, VectorKernel.first(ds), VectorKernel.first(dp));
      close(n, VectorKernel.second(ds), VectorKernel.second(dp));
      close(n, s.sum(a, n), p.sum(a, n));
      close(n, s.sumSquares(a, n), p.sumSquares(a, n));
      LoraPair op = pair(rnd, n, 0.7f);
      LoraPair cat = pair(rnd, n, 0.5f);
      float[] ys = new float[n];
      float[] yp = new float[n];
      assertThat(s.forward(op, x, ys)).isTrue();
      assertThat(p.forward(op, x, yp)).isTrue();
      closeAll("forward", n, ys, yp);
      for (float w : new float[] {0f, 0.1f, 0.4f, 0.9f}) {
        assertThat(s.blend(op, cat, w, x, ys)).isTrue();
        assertThat(p.blend(op, cat, w, x, yp)).isTrue();
        closeAll("blend w=" + w, n, ys, yp);
      }
      float[] bs0 = a.clone();
      float[] bs1 = b.clone();
      float[] bp0 = a.clone();
      float[] bp1 = b.clone();
      s.rankOneUpdate(bs0, bs1, x, 0.8f, 0.01f, -0.02f, n);
      p.rankOneUpdate(bp0, bp1, x, 0.8f, 0.01f, -0.02f, n);
      closeAll("rankOneUpdate b0", n, bs0, bp0);
      closeAll("rankOneUpdate b1", n, bs1, bp1);
    }
  }

  private static void closeAll(String what, int n, float[] expected, float[] actual) {
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs((double) expected[i] - actual[i]))
          .as("%s n=%d i=%d expected %s actual %s (seed %d)", what, n, i, expected[i], actual[i],
              SEED)
          .isLessThanOrEqualTo(ABS + REL * Math.abs(expected[i]));
    }
  }

  @Test
  void pack_roundTripsEveryFloatBitPattern() {
    float[] values = {0f, -0f, 1.5f, -3e-39f, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY};
    for (float f : values) {
      for (float g : values) {
        long packed = VectorKernel.pack(f, g);
        assertThat(Float.floatToRawIntBits(VectorKernel.first(packed)))
            .isEqualTo(Float.floatToRawIntBits(f));
        assertThat(Float.floatToRawIntBits(VectorKernel.second(packed)))
            .isEqualTo(Float.floatToRawIntBits(g));
      }
    }
  }

  private static void close(int n, double expected, double actual) {
    assertThat(Math.abs(expected - actual))
        .as("n=%d expected %s actual %s (seed %d)", n, expected, actual, SEED)
        .isLessThanOrEqualTo(ABS + REL * Math.abs(expected));
  }
}
