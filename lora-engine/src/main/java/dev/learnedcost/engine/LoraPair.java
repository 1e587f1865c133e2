package dev.learnedcost.engine;

/**
 * One rank-2 adapter: the weights A (d x 2) and B (2 x d) and the count of adaptations that
 * changed them.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Layout: A is held as its two columns {@code a0, a1} and B as its two rows
 *       {@code b0, b1}, each a {@code float[dim]}, so every loop is a unit-stride pass over
 *       primitive arrays. The reference stores B with 256 columns whatever the dimension; only
 *       the first {@code dim} ever matter, so we store {@code dim}.</li>
 *   <li>Forward: {@code y_i = x_i + alpha * (l0 * b0_i + l1 * b1_i)} with {@code l_k = x . a_k},
 *       summed left to right exactly as the reference, so results are bit-identical.</li>
 *   <li>Reference adapt: {@code B_k += lr * colsum(a_k) * g / |g|} with the reference's
 *       approximate norm; skipped (and not counted) when {@code |g|^2 < 1e-16}. It ignores the
 *       input, so it cannot fit a target: see the supervised step for that.</li>
 *   <li>Cost: forward and adapt are 2 passes of {@code dim} multiply-adds each.</li>
 *   <li>Not thread-safe; callers publish it safely.</li>
 * </ul>
 */
final class LoraPair {
  /** Below this squared gradient norm the reference skips the update. */
  static final float MIN_GRADIENT_NORM_SQ = 1e-16f;

  final int dim;
  final float alpha;
  final float learningRate;
  final float[] a0;
  final float[] a1;
  final float[] b0;
  final float[] b1;
  long adaptCount;

  LoraPair(int dim, float alpha, float learningRate) {
    this.dim = dim;
    this.alpha = alpha;
    this.learningRate = learningRate;
    this.a0 = new float[dim];
    this.a1 = new float[dim];
    this.b0 = new float[dim];
    this.b1 = new float[dim];
    float scale = ReferenceMath.initScale(dim);
    for (int i = 0; i < dim; i++) {
      a0[i] = ReferenceMath.pseudoRandom(i) * scale - scale / 2f;
      a1[i] = ReferenceMath.pseudoRandom(i + 1000) * scale - scale / 2f;
    }
  }

  /** {@code x . a0}, summed left to right. */
  float project0(float[] x) {
    return ScalarKernel.dot(x, a0, dim);
  }

  /** {@code x . a1}, summed left to right. */
  float project1(float[] x) {
    return ScalarKernel.dot(x, a1, dim);
  }

  /** Writes {@code x + alpha * (l0 * b0 + l1 * b1)} into {@code out}. */
  void output(float[] x, float l0, float l1, float[] out) {
    ScalarKernel.lowRankOut(x, l0, l1, b0, b1, alpha, out, dim);
  }

  /**
   * The reference's adapt with the given (possibly reward-scaled) learning rate. The caller has
   * checked {@code sumSq} (the squared norm of {@code g}) for finiteness.
   *
   * @return true if the weights changed (and the adapt count advanced)
   */
  boolean adaptReference(float[] g, float sumSq, float lr) {
    if (sumSq < MIN_GRADIENT_NORM_SQ) {
      return false;
    }
    float invNorm = 1f / ReferenceMath.fastSqrt(sumSq);
    float colSum0 = ScalarKernel.sum(a0, dim);
    float colSum1 = ScalarKernel.sum(a1, dim);
    ScalarKernel.rankOneUpdate(b0, b1, g, invNorm, lr * colSum0, lr * colSum1, dim);
    adaptCount++;
    return true;
  }

  /** Zeroes B and the adapt count; A keeps its deterministic initial values. */
  void reset() {
    java.util.Arrays.fill(b0, 0f);
    java.util.Arrays.fill(b1, 0f);
    adaptCount = 0;
  }

  /** {@code alpha * |B|} with the reference's approximate square root. */
  float deltaNorm() {
    float sq = 0f;
    for (int i = 0; i < dim; i++) {
      sq += b0[i] * b0[i] + b1[i] * b1[i];
    }
    return ReferenceMath.fastSqrt(sq) * alpha;
  }
}
