package dev.learnedcost.engine;

/**
 * Plain Java with independent partial sums and fused multiply-adds ({@link Math#fma}), the
 * default when {@code jdk.incubator.vector} is absent.
 *
 * <p>Why: in {@link ScalarKernel} each reduction is one chain of {@code n} dependent float
 * additions (about 4 cycles each, about 330 ns for the two projections at {@code n = 256}),
 * which the JIT may not reorder. Here each projection is split over four chains of fused
 * multiply-adds, so the CPU overlaps them and the projections become bound by loads instead:
 * three scalar loads per element ({@code x_i, a0_i, a1_i}; C2 does not vectorize a float
 * reduction it may not reorder), at two loads per cycle 384 cycles for {@code n = 256}, about
 * 140 ns at 2.8 GHz. The blended forward computes its four projections in one pass over
 * {@code x} (five loads per element instead of six). The output loops fold {@code alpha} and
 * the blend weight into the projections ({@code out_i = x_i + s0 b0_i + s1 b1_i}, two fused
 * multiply-adds) and are auto-vectorized by C2.
 *
 * <p>The sums are reassociated and the products fused, so results differ from the reference in
 * the last bits, within the conformance tolerance ({@code 1e-5 + 1e-4 * |expected|}). Force
 * {@code -Ddev.learnedcost.engine.kernel=scalar} for bit-exact results.
 */
final class UnrolledKernel implements VectorKernel {
  static final UnrolledKernel INSTANCE = new UnrolledKernel();

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
      p0 = Math.fma(x0, a0[i], p0);
      p1 = Math.fma(x1, a0[i + 1], p1);
      p2 = Math.fma(x2, a0[i + 2], p2);
      p3 = Math.fma(x3, a0[i + 3], p3);
      q0 = Math.fma(x0, a1[i], q0);
      q1 = Math.fma(x1, a1[i + 1], q1);
      q2 = Math.fma(x2, a1[i + 2], q2);
      q3 = Math.fma(x3, a1[i + 3], q3);
    }
    for (; i < n; i++) {
      p0 = Math.fma(x[i], a0[i], p0);
      q0 = Math.fma(x[i], a1[i], q0);
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
      s0 = Math.fma(g[i], g[i], s0);
      s1 = Math.fma(g[i + 1], g[i + 1], s1);
      s2 = Math.fma(g[i + 2], g[i + 2], s2);
      s3 = Math.fma(g[i + 3], g[i + 3], s3);
      s4 = Math.fma(g[i + 4], g[i + 4], s4);
      s5 = Math.fma(g[i + 5], g[i + 5], s5);
      s6 = Math.fma(g[i + 6], g[i + 6], s6);
      s7 = Math.fma(g[i + 7], g[i + 7], s7);
    }
    for (; i < n; i++) {
      s0 = Math.fma(g[i], g[i], s0);
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public boolean forward(LoraPair p, float[] x, float[] out) {
    int n = p.dim;
    long l = dot2(x, p.a0, p.a1, n);
    float l0 = VectorKernel.first(l);
    float l1 = VectorKernel.second(l);
    if (!Float.isFinite(l0) || !Float.isFinite(l1)) {
      return false;
    }
    float s0 = p.alpha * l0;
    float s1 = p.alpha * l1;
    float[] b0 = p.b0;
    float[] b1 = p.b1;
    for (int i = 0; i < n; i++) {
      out[i] = x[i] + (s0 * b0[i] + s1 * b1[i]);
    }
    return true;
  }

  @Override
  public boolean blend(LoraPair op, LoraPair cat, float w, float[] x, float[] out) {
    int n = op.dim;
    float[] oa0 = op.a0;
    float[] oa1 = op.a1;
    float[] ca0 = cat.a0;
    float[] ca1 = cat.a1;
    // One pass over x for the four projections, two chains each.
    float l0 = 0f, l0b = 0f, l1 = 0f, l1b = 0f, c0 = 0f, c0b = 0f, c1 = 0f, c1b = 0f;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      float x0 = x[i];
      float x1 = x[i + 1];
      l0 = Math.fma(x0, oa0[i], l0);
      l0b = Math.fma(x1, oa0[i + 1], l0b);
      l1 = Math.fma(x0, oa1[i], l1);
      l1b = Math.fma(x1, oa1[i + 1], l1b);
      c0 = Math.fma(x0, ca0[i], c0);
      c0b = Math.fma(x1, ca0[i + 1], c0b);
      c1 = Math.fma(x0, ca1[i], c1);
      c1b = Math.fma(x1, ca1[i + 1], c1b);
    }
    if (i < n) {
      l0 = Math.fma(x[i], oa0[i], l0);
      l1 = Math.fma(x[i], oa1[i], l1);
      c0 = Math.fma(x[i], ca0[i], c0);
      c1 = Math.fma(x[i], ca1[i], c1);
    }
    l0 += l0b;
    l1 += l1b;
    c0 += c0b;
    c1 += c1b;
    if (!Float.isFinite(l0) || !Float.isFinite(l1) || !Float.isFinite(c0)
        || !Float.isFinite(c1)) {
      return false;
    }
    // w * y_op + (1 - w) * y_cat = x + w alpha_op (l0 ob0 + l1 ob1)
    //                                + (1 - w) alpha_cat (c0 cb0 + c1 cb1)
    float wo = w * op.alpha;
    float wc = (1f - w) * cat.alpha;
    float so0 = wo * l0;
    float so1 = wo * l1;
    float sc0 = wc * c0;
    float sc1 = wc * c1;
    float[] ob0 = op.b0;
    float[] ob1 = op.b1;
    float[] cb0 = cat.b0;
    float[] cb1 = cat.b1;
    for (int j = 0; j < n; j++) {
      out[j] = x[j] + ((so0 * ob0[j] + so1 * ob1[j]) + (sc0 * cb0[j] + sc1 * cb1[j]));
    }
    return true;
  }

  @Override
  public void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    float s0 = k0 * invNorm;
    float s1 = k1 * invNorm;
    for (int j = 0; j < n; j++) {
      b0[j] += s0 * g[j];
      b1[j] += s1 * g[j];
    }
  }
}
