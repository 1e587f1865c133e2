package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernel choice follows the JVM: Panama when {@code jdk.incubator.vector} is present (so the
 * conformance run with {@code --add-modules jdk.incubator.vector} really exercises SIMD), scalar
 * otherwise; and the two kernels agree.
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
  void panamaKernel_agreesWithScalar_elementwiseExactlyAndSumsWithinTolerance() {
    assumeTrue(Vectorization.vectorModulePresent(),
        "needs --add-modules jdk.incubator.vector (mvn ... -Dsurefire.extraArgLine=...)");
    assertAgreesWithScalar(Vectorization.select("panama"));
  }

  @Test
  void unrolledKernel_agreesWithScalar_elementwiseExactlyAndSumsWithinTolerance() {
    assertAgreesWithScalar(UnrolledKernel.INSTANCE);
  }

  private static void assertAgreesWithScalar(VectorKernel p) {
    VectorKernel s = ScalarKernel.INSTANCE;
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int n : new int[] {1, 3, 8, 15, 16, 17, 33, 64, 100, 255, 256}) {
      float[] x = SnapshotModels.vector(rnd, n);
      float[] a = SnapshotModels.vector(rnd, n);
      float[] b = SnapshotModels.vector(rnd, n);
      float[] c = SnapshotModels.vector(rnd, n);
      float[] d = SnapshotModels.vector(rnd, n);
      long dp = p.dot2(x, a, b, n);
      long ds = s.dot2(x, a, b, n);
      close(n, VectorKernel.first(ds), VectorKernel.first(dp));
      close(n, VectorKernel.second(ds), VectorKernel.second(dp));
      close(n, s.sum(a, n), p.sum(a, n));
      close(n, s.sumSquares(a, n), p.sumSquares(a, n));
      float[] ys = new float[n];
      float[] yp = new float[n];
      s.lowRankOut(x, 0.3f, -1.2f, a, b, 0.7f, ys, n);
      p.lowRankOut(x, 0.3f, -1.2f, a, b, 0.7f, yp, n);
      assertThat(yp).as("lowRankOut n=%d", n).containsExactly(ys);
      s.blendOut(x, 0.3f, -1.2f, a, b, 0.7f, 0.9f, 0.1f, c, d, 0.5f, 0.4f, ys, n);
      p.blendOut(x, 0.3f, -1.2f, a, b, 0.7f, 0.9f, 0.1f, c, d, 0.5f, 0.4f, yp, n);
      assertThat(yp).as("blendOut n=%d", n).containsExactly(ys);
      float[] bs0 = a.clone();
      float[] bs1 = b.clone();
      float[] bp0 = a.clone();
      float[] bp1 = b.clone();
      s.rankOneUpdate(bs0, bs1, x, 0.8f, 0.01f, -0.02f, n);
      p.rankOneUpdate(bp0, bp1, x, 0.8f, 0.01f, -0.02f, n);
      assertThat(bp0).as("rankOneUpdate n=%d", n).containsExactly(bs0);
      assertThat(bp1).as("rankOneUpdate n=%d", n).containsExactly(bs1);
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
