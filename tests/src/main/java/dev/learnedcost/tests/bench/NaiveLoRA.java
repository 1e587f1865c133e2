package dev.learnedcost.tests.bench;

/**
 * The benchmarks' baseline: one rank-2 adapter written the plain way (one loop per sum, the
 * column sums of A recomputed on every adapt, no SIMD, no locking, no validation), with the same
 * initialisation and update rules as the engine. Not thread-safe; benchmarks only.
 */
final class NaiveLoRA {
  final int dim;
  final float alpha;
  final float learningRate;
  final float[] a0;
  final float[] a1;
  final float[] b0;
  final float[] b1;
  final float[] input;
  final float[] output;
  long forwardCount;
  long adaptCount;

  NaiveLoRA(int dim, float alpha, float learningRate) {
    this.dim = dim;
    this.alpha = alpha;
    this.learningRate = learningRate;
    a0 = new float[dim];
    a1 = new float[dim];
    b0 = new float[dim];
    b1 = new float[dim];
    input = new float[dim];
    output = new float[dim];
    float scale = (float) Math.sqrt(2.0f / dim) * 0.1f;
    for (int i = 0; i < dim; i++) {
      a0[i] = xorshift(i) * scale - scale / 2f;
      a1[i] = xorshift(i + 1000) * scale - scale / 2f;
    }
  }

  private static float xorshift(int seed) {
    int x = seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (float) (x & 0xFFFF_FFFFL) / 4294967296f;
  }

  static float dot(float[] x, float[] a, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += x[i] * a[i];
    }
    return s;
  }

  /** {@code out = x + alpha * (x . a0) b0 + alpha * (x . a1) b1}. */
  void forward(float[] x, float[] out) {
    float l0 = dot(x, a0, dim);
    float l1 = dot(x, a1, dim);
    for (int i = 0; i < dim; i++) {
      out[i] = x[i] + alpha * (l0 * b0[i] + l1 * b1[i]);
    }
    forwardCount++;
  }

  float[] forwardArray(float[] x) {
    float[] out = new float[dim];
    forward(x, out);
    return out;
  }

  /** The reference adapt: {@code B_k += lr * colsum(a_k) * g / |g|}. */
  void adapt(float[] g) {
    float sq = dot(g, g, dim);
    if (sq >= 1e-16f) {
      float inv = (float) (1 / Math.sqrt(sq));
      float c0 = 0f;
      float c1 = 0f;
      for (int i = 0; i < dim; i++) {
        c0 += a0[i];
      }
      for (int i = 0; i < dim; i++) {
        c1 += a1[i];
      }
      for (int j = 0; j < dim; j++) {
        b0[j] += learningRate * c0 * g[j] * inv;
        b1[j] += learningRate * c1 * g[j] * inv;
      }
    }
    adaptCount++;
  }

  /** One SGD step on A and B towards targets on {@code dims}, step norm clipped to 1. */
  double trainTargets(float[] x, int[] dims, float[] targets) {
    float p0 = dot(x, a0, dim);
    float p1 = dot(x, a1, dim);
    float[] g = new float[dims.length];
    double loss = 0;
    float q0 = 0f;
    float q1 = 0f;
    float gg = 0f;
    for (int k = 0; k < dims.length; k++) {
      int j = dims[k];
      float y = x[j] + alpha * (p0 * b0[j] + p1 * b1[j]);
      g[k] = y - targets[k];
      loss += 0.5 * g[k] * g[k];
      q0 += b0[j] * g[k];
      q1 += b1[j] * g[k];
      gg += g[k] * g[k];
    }
    float xx = dot(x, x, dim);
    float norm = alpha * (float) Math.sqrt((p0 * p0 + p1 * p1) * gg + xx * (q0 * q0 + q1 * q1));
    float step = norm * learningRate > 1f ? 1f / norm : learningRate;
    for (int k = 0; k < dims.length; k++) {
      b0[dims[k]] -= step * alpha * p0 * g[k];
      b1[dims[k]] -= step * alpha * p1 * g[k];
    }
    for (int i = 0; i < dim; i++) {
      a0[i] -= step * alpha * q0 * x[i];
      a1[i] -= step * alpha * q1 * x[i];
    }
    adaptCount++;
    return loss;
  }

  /** The blended output of this (operator) adapter and {@code cat} with weight {@code w}. */
  void blend(NaiveLoRA cat, float w, float[] x, float[] out) {
    float l0 = dot(x, a0, dim);
    float l1 = dot(x, a1, dim);
    float c0 = dot(x, cat.a0, dim);
    float c1 = dot(x, cat.a1, dim);
    for (int i = 0; i < dim; i++) {
      float yo = x[i] + alpha * (l0 * b0[i] + l1 * b1[i]);
      float yc = x[i] + cat.alpha * (c0 * cat.b0[i] + c1 * cat.b1[i]);
      out[i] = yo * w + yc * (1f - w);
    }
    forwardCount++;
  }
}
