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
 *   <li>Forward: {@code y_i = x_i + alpha * (l0 * b0_i + l1 * b1_i)} with {@code l_k = x . a_k};
 *       on the scalar kernel summed left to right exactly as the reference, so results are
 *       bit-identical; the other kernels reorder the sums and fold {@code alpha} into
 *       {@code l_k} (within the conformance tolerance).</li>
 *   <li>Reference adapt: {@code B_k += lr * colsum(a_k) * g / |g|} with the reference's
 *       approximate norm; skipped (and not counted) when {@code |g|^2 < 1e-16}. It ignores the
 *       input, so it cannot fit a target: see the supervised step for that.</li>
 *   <li>Cost: forward is one fused pass for both projections and one output pass; the reference
 *       adapt needs {@code colsum(A)}, which only changes when A does, so it is cached
 *       ({@link #refreshColumnSums()}, lazily after a supervised step) and adapt is one pass
 *       over {@code g} for its norm (done by the caller) plus one update pass.</li>
 *   <li>The loops run on {@link Vectorization#kernel()}.</li>
 *   <li>Not thread-safe; the owning {@link MicroLoRA} or {@link ScopedLoRA} guards it.</li>
 * </ul>
 */
final class LoraPair {
  private static final VectorKernel KERNEL = Vectorization.kernel();
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
  /**
   * {@code sum(a0)} and {@code sum(a1)}: derived from A, refreshed when A is set and, after a
   * supervised step changed A, lazily by the next reference adapt (so a run of training steps
   * does not pay for sums nobody reads).
   */
  private float colSum0;
  private float colSum1;
  private boolean columnSumsStale;

  LoraPair(int dim, float alpha, float learningRate) {
    this.dim = dim;
    this.alpha = alpha;
    this.learningRate = learningRate;
    this.a0 = new float[dim];
    this.a1 = new float[dim];
    this.b0 = new float[dim];
    this.b1 = new float[dim];
    initA();
  }

  /**
   * Writes this adapter's output {@code x + alpha * (x A) B} into {@code out} with one pass over
   * {@code x} for both projections and one output pass; returns false, with {@code out}
   * untouched, if a projection is not finite.
   */
  boolean forward(float[] x, float[] out) {
    return KERNEL.forward(this, x, out);
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
    if (columnSumsStale) {
      refreshColumnSums();
    }
    KERNEL.rankOneUpdate(b0, b1, g, invNorm, lr * colSum0, lr * colSum1, dim);
    adaptCount++;
    return true;
  }

  /**
   * One supervised SGD step on both A and B for the loss gradient {@code gScale * g} with respect
   * to this adapter's output, where {@code g} is dense ({@code dims == null}, {@code g.length ==
   * dim}) or sparse (value {@code g[k]} at output dimension {@code dims[k]}, zero elsewhere).
   *
   * <p>With {@code p_k = x . a_k} and {@code q_k = b_k . g} (both before the step):
   * {@code dL/dB[k][j] = alpha * p_k * g_j}, {@code dL/dA[i][k] = alpha * x_i * q_k}. The step
   * {@code -lr * grad} is scaled down so that its Frobenius norm over A and B together is at
   * most {@code maxStepNorm}. Scalars are accumulated in double, so finite inputs can neither
   * overflow nor write a NaN.
   *
   * @return the norm of the step applied (0 when the gradient is zero)
   */
  double train(float[] x, int[] dims, float[] g, float gScale, float lr, float maxStepNorm) {
    return train(x, dims, g, gScale, lr, maxStepNorm, false);
  }

  /**
   * As {@link #train(float[], int[], float[], float, float, float)}; with {@code targetLoss} (the
   * gradient is that of a squared loss on the {@code dims} outputs) the step size is also capped
   * at {@code 1 / |J|^2}, where {@code J} is the Jacobian of those outputs with respect to A and
   * B: the normalized-LMS bound under which the linearized outputs move towards the targets
   * without overshooting them, whatever the scale of {@code x} or of the weights.
   */
  double train(
      float[] x, int[] dims, float[] g, float gScale, float lr, float maxStepNorm,
      boolean targetLoss) {
    return train(x, dims, g, gScale, lr, maxStepNorm, targetLoss, BOTH_RANKS);
  }

  /** {@code rank} value of {@link #train(float[], int[], float[], float, float, float, boolean, int)}: both. */
  static final int BOTH_RANKS = -1;

  /**
   * As {@link #train(float[], int[], float[], float, float, float, boolean)}, restricted to one
   * rank when {@code rank} is 0 or 1: only {@code A_rank} and {@code B_rank} move (the gradient of
   * the loss with respect to the other rank's weights is treated as zero), and the step size and
   * clipping are computed for that rank alone. {@link #BOTH_RANKS} trains both.
   */
  double train(
      float[] x, int[] dims, float[] g, float gScale, float lr, float maxStepNorm,
      boolean targetLoss, int rank) {
    double m0 = rank == 1 ? 0 : 1;
    double m1 = rank == 0 ? 0 : 1;
    double p0 = 0;
    double p1 = 0;
    double xx = 0;
    for (int i = 0; i < dim; i++) {
      double xi = x[i];
      p0 += xi * a0[i];
      p1 += xi * a1[i];
      xx += xi * xi;
    }
    p0 *= m0;
    p1 *= m1;
    double q0 = 0;
    double q1 = 0;
    double gg = 0;
    int n = dims == null ? dim : dims.length;
    for (int k = 0; k < n; k++) {
      int j = dims == null ? k : dims[k];
      double gj = (double) g[k] * gScale;
      q0 += b0[j] * gj;
      q1 += b1[j] * gj;
      gg += gj * gj;
    }
    q0 *= m0;
    q1 *= m1;
    double gradNorm = alpha * Math.sqrt((p0 * p0 + p1 * p1) * gg + xx * (q0 * q0 + q1 * q1));
    if (gradNorm == 0 || !Double.isFinite(gradNorm)) {
      return 0;
    }
    double step = lr;
    if (targetLoss) {
      // |J|^2 = alpha^2 * sum_r (|p|^2 + |x|^2 * (b0_r^2 + b1_r^2)) over the target outputs and
      // the trained ranks.
      double bb = 0;
      for (int k = 0; k < n; k++) {
        int j = dims == null ? k : dims[k];
        bb += m0 * b0[j] * b0[j] + m1 * b1[j] * b1[j];
      }
      double jj = (double) alpha * alpha * (n * (p0 * p0 + p1 * p1) + xx * bb);
      if (jj > 0) {
        step = Math.min(step, gScale / jj);
      }
    }
    if (step * gradNorm > maxStepNorm) {
      step = maxStepNorm / gradNorm;
    }
    // Coefficients of the rank-one updates; |coefficient * element| <= maxStepNorm.
    float cb0 = (float) (step * alpha * p0 * gScale);
    float cb1 = (float) (step * alpha * p1 * gScale);
    float ca0 = (float) (step * alpha * q0);
    float ca1 = (float) (step * alpha * q1);
    for (int k = 0; k < n; k++) {
      int j = dims == null ? k : dims[k];
      b0[j] -= cb0 * g[k];
      b1[j] -= cb1 * g[k];
    }
    for (int i = 0; i < dim; i++) {
      a0[i] -= ca0 * x[i];
      a1[i] -= ca1 * x[i];
    }
    columnSumsStale = true;
    return step * gradNorm;
  }

  /**
   * Output dimensions {@code dims[k]} of the forward pass for {@code x}, in double, into
   * {@code out[k]}, with one pass over {@code x} for all of them.
   */
  void outputsAt(float[] x, int[] dims, double[] out) {
    double p0 = 0;
    double p1 = 0;
    for (int i = 0; i < dim; i++) {
      p0 += (double) x[i] * a0[i];
      p1 += (double) x[i] * a1[i];
    }
    for (int k = 0; k < dims.length; k++) {
      int j = dims[k];
      out[k] = x[j] + alpha * (p0 * b0[j] + p1 * b1[j]);
    }
  }

  /**
   * Zeroes B and the adapt count and restores A's deterministic initial values (the reference
   * never changes A; the supervised step does).
   */
  void reset() {
    java.util.Arrays.fill(b0, 0f);
    java.util.Arrays.fill(b1, 0f);
    initA();
    adaptCount = 0;
  }

  private void initA() {
    float scale = ReferenceMath.initScale(dim);
    for (int i = 0; i < dim; i++) {
      a0[i] = ReferenceMath.pseudoRandom(i) * scale - scale / 2f;
      a1[i] = ReferenceMath.pseudoRandom(i + 1000) * scale - scale / 2f;
    }
    refreshColumnSums();
  }

  /**
   * Recomputes the cached column sums of A used by the reference adapt (which never changes A,
   * so the reference's per-call sums are the same numbers); call after any change to A.
   */
  void refreshColumnSums() {
    colSum0 = KERNEL.sum(a0, dim);
    colSum1 = KERNEL.sum(a1, dim);
    columnSumsStale = false;
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
