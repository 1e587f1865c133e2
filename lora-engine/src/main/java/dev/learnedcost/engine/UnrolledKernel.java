package dev.learnedcost.engine;

/**
 * Plain Java with the reductions split over eight independent partial sums, the default when
 * {@code jdk.incubator.vector} is absent.
 *
 * <p>Why: in {@link ScalarKernel} each reduction is one chain of {@code n} dependent float
 * additions (about 4 cycles each, about 330 ns for the two projections at {@code n = 256}),
 * which the JIT may not reorder. Eight chains of {@code n/8} let the CPU overlap them, so the
 * projections become throughput-bound. The sums are reassociated, so results differ from the
 * reference in the last bits, within the conformance tolerance
 * ({@code 1e-5 + 1e-4 * |expected|}), which exists for reordered sums like these. The
 * element-wise loops are {@link ScalarKernel}'s, unchanged and bit-identical. Force
 * {@code -Ddev.learnedcost.engine.kernel=scalar} for bit-exact results.
 */
final class UnrolledKernel implements VectorKernel {
  static final UnrolledKernel INSTANCE = new UnrolledKernel();

  private static final ScalarKernel ELEMENTWISE = ScalarKernel.INSTANCE;

  private UnrolledKernel() {}

  @Override
  public String name() {
    return "scalar-unrolled";
  }

  @Override
  public long dot2(float[] x, float[] a0, float[] a1, int n) {
    float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
    float q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      float x0 = x[i];
      float x1 = x[i + 1];
      float x2 = x[i + 2];
      float x3 = x[i + 3];
      p0 += x0 * a0[i];
      p1 += x1 * a0[i + 1];
      p2 += x2 * a0[i + 2];
      p3 += x3 * a0[i + 3];
      q0 += x0 * a1[i];
      q1 += x1 * a1[i + 1];
      q2 += x2 * a1[i + 2];
      q3 += x3 * a1[i + 3];
    }
    for (; i < n; i++) {
      p0 += x[i] * a0[i];
      q0 += x[i] * a1[i];
    }
    return VectorKernel.pack((p0 + p1) + (p2 + p3), (q0 + q1) + (q2 + q3));
  }

  @Override
  public float sum(float[] a, int n) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
    int i = 0;
    for (; i + 7 < n; i += 8) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
      s4 += a[i + 4];
      s5 += a[i + 5];
      s6 += a[i + 6];
      s7 += a[i + 7];
    }
    for (; i < n; i++) {
      s0 += a[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public float sumSquares(float[] g, int n) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
    int i = 0;
    for (; i + 7 < n; i += 8) {
      s0 += g[i] * g[i];
      s1 += g[i + 1] * g[i + 1];
      s2 += g[i + 2] * g[i + 2];
      s3 += g[i + 3] * g[i + 3];
      s4 += g[i + 4] * g[i + 4];
      s5 += g[i + 5] * g[i + 5];
      s6 += g[i + 6] * g[i + 6];
      s7 += g[i + 7] * g[i + 7];
    }
    for (; i < n; i++) {
      s0 += g[i] * g[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public void lowRankOut(
      float[] x, float l0, float l1, float[] b0, float[] b1, float alpha, float[] out, int n) {
    ELEMENTWISE.lowRankOut(x, l0, l1, b0, b1, alpha, out, n);
  }

  @Override
  public void blendOut(
      float[] x, float l0, float l1, float[] ob0, float[] ob1, float alphaOp,
      float c0, float c1, float[] cb0, float[] cb1, float alphaCat, float w, float[] out, int n) {
    ELEMENTWISE.blendOut(x, l0, l1, ob0, ob1, alphaOp, c0, c1, cb0, cb1, alphaCat, w, out, n);
  }

  @Override
  public void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    ELEMENTWISE.rankOneUpdate(b0, b1, g, invNorm, k0, k1, n);
  }
}
