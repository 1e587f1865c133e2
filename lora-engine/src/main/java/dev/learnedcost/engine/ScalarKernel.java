package dev.learnedcost.engine;

/**
 * The engine's inner loops in plain scalar Java, in the reference's summation order (so the
 * results are bit-identical to it). Every method reads and writes only the first {@code n}
 * elements and allocates nothing.
 */
final class ScalarKernel {
  private ScalarKernel() {}

  static float dot(float[] x, float[] a, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += x[i] * a[i];
    }
    return s;
  }

  static float sum(float[] a, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  static float sumSquares(float[] g, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += g[i] * g[i];
    }
    return s;
  }

  /** {@code out_i = x_i + alpha * (l0 * b0_i + l1 * b1_i)}. {@code out} may be {@code x}. */
  static void lowRankOut(
      float[] x, float l0, float l1, float[] b0, float[] b1, float alpha, float[] out, int n) {
    for (int i = 0; i < n; i++) {
      out[i] = x[i] + alpha * (l0 * b0[i] + l1 * b1[i]);
    }
  }

  /** {@code b0_j += k0 * (g_j * invNorm); b1_j += k1 * (g_j * invNorm)}. */
  static void rankOneUpdate(
      float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n) {
    for (int j = 0; j < n; j++) {
      float ng = g[j] * invNorm;
      b0[j] += k0 * ng;
      b1[j] += k1 * ng;
    }
  }
}
