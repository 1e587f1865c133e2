package dev.learnedcost.engine;

/**
 * The engine's inner loops in plain scalar Java, in the reference's summation order (each sum
 * left to right, one product at a time, no fused multiply-add), so the results are bit-identical
 * to the reference package. Force it with {@code -Ddev.learnedcost.engine.kernel=scalar} for
 * bit-exact results.
 *
 * <p>Cost: each reduction is a chain of {@code n} dependent float additions (about 4 cycles
 * each), which the JIT may not reorder; at {@code n = 256} that chain, not the arithmetic, sets
 * the time of a forward pass. The element-wise loops are auto-vectorized by C2.
 */
final class ScalarKernel implements VectorKernel {
  static final ScalarKernel INSTANCE = new ScalarKernel();

  private ScalarKernel() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public long dot2(float[] x, float[] a0, float[] a1, int n) {
    float s0 = 0f;
    float s1 = 0f;
    for (int i = 0; i < n; i++) {
      float xi = x[i];
      s0 += xi * a0[i];
      s1 += xi * a1[i];
    }
    return VectorKernel.pack(s0, s1);
  }

  @Override
  public float sum(float[] a, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  @Override
  public float sumSquares(float[] g, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += g[i] * g[i];
    }
    return s;
  }

  @Override
  public boolean forward(LoraPair p, float[] x, float[] out) {
    long l = dot2(x, p.a0, p.a1, p.dim);
    float l0 = VectorKernel.first(l);
    float l1 = VectorKernel.second(l);
    if (!Float.isFinite(l0) || !Float.isFinite(l1)) {
      return false;
    }
    float alpha = p.alpha;
    float[] b0 = p.b0;
    float[] b1 = p.b1;
    for (int i = 0; i < p.dim; i++) {
      out[i] = x[i] + alpha * (l0 * b0[i] + l1 * b1[i]);
    }
    return true;
  }

  @Override
  public boolean blend(LoraPair op, LoraPair cat, float w, float[] x, float[] out) {
    int n = op.dim;
    long l = dot2(x, op.a0, op.a1, n);
    float l0 = VectorKernel.first(l);
    float l1 = VectorKernel.second(l);
    long c = dot2(x, cat.a0, cat.a1, n);
    float c0 = VectorKernel.first(c);
    float c1 = VectorKernel.second(c);
    if (!Float.isFinite(l0) || !Float.isFinite(l1) || !Float.isFinite(c0)
        || !Float.isFinite(c1)) {
      return false;
    }
    float alphaOp = op.alpha;
    float alphaCat = cat.alpha;
    float[] ob0 = op.b0;
    float[] ob1 = op.b1;
    float[] cb0 = cat.b0;
    float[] cb1 = cat.b1;
    float cw = 1f - w;
    for (int i = 0; i < n; i++) {
      float yo = x[i] + alphaOp * (l0 * ob0[i] + l1 * ob1[i]);
      float yc = x[i] + alphaCat * (c0 * cb0[i] + c1 * cb1[i]);
      out[i] = yo * w + yc * cw;
    }
    return true;
  }

  @Override
  public void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    for (int j = 0; j < n; j++) {
      float ng = g[j] * invNorm;
      b0[j] += k0 * ng;
      b1[j] += k1 * ng;
    }
  }
}
