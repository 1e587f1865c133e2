package dev.learnedcost.engine;

/**
 * A single rank-2 LoRA adapter: {@code y = x + alpha * (x A) B}, with A (d x 2) initialised
 * deterministically and B (2 x d) starting at zero, so an untrained adapter is the identity.
 *
 * <p>The Java counterpart of the reference package's {@code WasmMicroLoRA}
 * ({@code @ruvector/learning-wasm} 0.1.29): same initialisation, update rules, approximate square
 * root and counters, so the same calls give the same numbers. It is stricter: bad arguments throw
 * {@link IllegalArgumentException} and leave every weight, buffer and counter unchanged (see the
 * module README for each difference).
 *
 * <p>Two ways in: the array methods ({@link #forwardArray}, {@link #adaptArray}) copy at the
 * boundary; the buffer methods ({@link #forward}, {@link #adapt}, {@link #adaptWithReward}) read
 * the live {@link #inputBuffer()} and write the live {@link #outputBuffer()}, allocating nothing.
 *
 * <p>Not thread-safe.
 */
public final class MicroLoRA {
  /** Largest supported dimension (the reference's fixed B width). */
  public static final int MAX_DIM = Checks.MAX_DIM;
  /** Reference default dimension. */
  public static final int DEFAULT_DIM = 256;
  /** Reference default scaling factor. */
  public static final float DEFAULT_ALPHA = 0.1f;
  /** Reference default learning rate. */
  public static final float DEFAULT_LEARNING_RATE = 0.01f;
  /** Default bound on the norm of one supervised step over A and B together. */
  public static final float DEFAULT_MAX_STEP_NORM = 1f;

  private final LoraPair pair;
  private final float[] input;
  private final float[] output;
  private long forwardCount;
  private long adaptCount;
  private float maxStepNorm = DEFAULT_MAX_STEP_NORM;

  /** Creates an adapter with the reference defaults (256, 0.1, 0.01). */
  public MicroLoRA() {
    this(DEFAULT_DIM, DEFAULT_ALPHA, DEFAULT_LEARNING_RATE);
  }

  /**
   * Creates an adapter.
   *
   * @param dim embedding dimension, 1..256
   * @param alpha scaling factor of the low-rank delta, finite and >= 0
   * @param learningRate step size of {@link #adaptArray} and friends, finite and >= 0
   * @throws IllegalArgumentException if an argument is out of range
   */
  public MicroLoRA(int dim, float alpha, float learningRate) {
    Checks.dim(dim);
    Checks.nonNegativeFinite("alpha", alpha);
    Checks.nonNegativeFinite("learningRate", learningRate);
    this.pair = new LoraPair(dim, alpha, learningRate);
    this.input = new float[dim];
    this.output = new float[dim];
  }

  /** Returns the embedding dimension. */
  public int dim() {
    return pair.dim;
  }

  /** Returns the scaling factor alpha. */
  public float alpha() {
    return pair.alpha;
  }

  /** Returns the learning rate. */
  public float learningRate() {
    return pair.learningRate;
  }

  /**
   * Returns the live input buffer ({@code dim} floats), the zero-copy path: write an input or a
   * gradient here, then call {@link #forward()}, {@link #adapt()} or {@link #adaptWithReward}.
   */
  public float[] inputBuffer() {
    return input;
  }

  /** Returns the live output buffer ({@code dim} floats) that {@link #forward()} writes. */
  public float[] outputBuffer() {
    return output;
  }

  /**
   * Computes {@code x + alpha * (x A) B} into a new array.
   *
   * @param x input of length {@code dim}, all finite; not modified
   * @return a new array of length {@code dim}
   * @throws IllegalArgumentException on a wrong length or a non-finite element
   */
  public float[] forwardArray(float[] x) {
    Checks.length("input", x, pair.dim);
    float[] y = new float[pair.dim];
    forwardInto("input", x, y);
    return y;
  }

  /**
   * Computes the forward pass from {@link #inputBuffer()} into {@link #outputBuffer()}.
   * Allocates nothing.
   *
   * @throws IllegalArgumentException if the input buffer holds a non-finite value (the output
   *     buffer and counters are then unchanged)
   */
  public void forward() {
    forwardInto("inputBuffer", input, output);
  }

  private void forwardInto(String name, float[] x, float[] y) {
    float l0 = pair.project0(x);
    float l1 = pair.project1(x);
    // A non-finite element of x always makes a projection non-finite (NaN * a = NaN,
    // inf * a = inf or NaN), so this one check covers the whole input at no extra pass.
    if (!Float.isFinite(l0) || !Float.isFinite(l1)) {
      throw Checks.nonFiniteSum(name, x, "the projection x A");
    }
    pair.output(x, l0, l1, y);
    forwardCount++;
  }

  /**
   * The reference's adaptation: {@code B += lr * colsum(A) * g / |g|}. Skipped (weights
   * unchanged) when {@code |g|^2 < 1e-16}, but counted in {@link #adaptCount()} as the reference
   * does.
   *
   * @param gradient gradient of length {@code dim}, all finite; not modified
   * @throws IllegalArgumentException on a wrong length or a non-finite element
   */
  public void adaptArray(float[] gradient) {
    Checks.length("gradient", gradient, pair.dim);
    adaptScaled("gradient", gradient, pair.learningRate);
  }

  /** {@link #adaptArray} with {@link #inputBuffer()} as the gradient. Allocates nothing. */
  public void adapt() {
    adaptScaled("inputBuffer", input, pair.learningRate);
  }

  /**
   * Adapts with the learning rate scaled by {@code min(improvement, 2)}, using
   * {@link #inputBuffer()} as the gradient. Does nothing to the weights when
   * {@code improvement <= 0}; counted in {@link #adaptCount()} either way, as the reference.
   *
   * @param improvement relative improvement, finite
   * @throws IllegalArgumentException if {@code improvement} or the buffer is not finite
   */
  public void adaptWithReward(float improvement) {
    Checks.finite("improvement", improvement);
    float sumSq = checkedSumSquares("inputBuffer", input, pair.dim);
    if (improvement > 0f) {
      pair.adaptReference(input, sumSq, pair.learningRate * Math.min(improvement, 2f));
    }
    adaptCount++;
  }

  private void adaptScaled(String name, float[] g, float lr) {
    float sumSq = checkedSumSquares(name, g, pair.dim);
    pair.adaptReference(g, sumSq, lr);
    adaptCount++;
  }

  static float checkedSumSquares(String name, float[] g, int dim) {
    float sumSq = ScalarKernel.sumSquares(g, dim);
    if (!Float.isFinite(sumSq)) {
      throw Checks.nonFiniteSum(name, g, "the squared norm");
    }
    return sumSq;
  }

  /**
   * One supervised SGD step on A and B: {@code outputGradient} is {@code dL/dy} for the output of
   * {@link #forwardArray} at {@code x}. Uses {@code dL/dB[k][j] = alpha (x . a_k) g_j} and
   * {@code dL/dA[i][k] = alpha x_i (b_k . g)} with the learning rate, the whole step clipped to
   * {@link #maxStepNorm()}. Counted in {@link #adaptCount()}.
   *
   * @param x input of length {@code dim}, all finite; not modified
   * @param outputGradient loss gradient of length {@code dim}, all finite; not modified
   * @return the norm of the step applied (0 if the gradient was zero)
   * @throws IllegalArgumentException on a wrong length or a non-finite element (nothing changes)
   */
  public double trainStep(float[] x, float[] outputGradient) {
    Checks.allFinite("input", Checks.length("input", x, pair.dim));
    Checks.allFinite("outputGradient", Checks.length("outputGradient", outputGradient, pair.dim));
    double norm = pair.train(x, null, outputGradient, 1f, pair.learningRate, maxStepNorm);
    if (norm > 0) {
      pair.adaptCount++;
    }
    adaptCount++;
    return norm;
  }

  /**
   * One supervised step towards target values on chosen output dimensions, with the squared loss
   * {@code L = 1/2 * sum_k (y[dims[k]] - targets[k])^2}; other dimensions are free.
   *
   * @param x input of length {@code dim}, all finite
   * @param dims output dimensions, distinct, each in 0..dim-1
   * @param targets target value for each of {@code dims}, finite
   * @return the loss before the step
   * @throws IllegalArgumentException on any invalid argument (nothing changes)
   */
  public double trainTargets(float[] x, int[] dims, float[] targets) {
    Checks.allFinite("input", Checks.length("input", x, pair.dim));
    Checks.targets(dims, targets, pair.dim);
    float[] g = new float[dims.length];
    double loss = 0;
    for (int k = 0; k < dims.length; k++) {
      double err = pair.outputAt(x, dims[k]) - targets[k];
      g[k] = (float) err;
      loss += 0.5 * err * err;
    }
    double norm = pair.train(x, dims, g, 1f, pair.learningRate, maxStepNorm, true);
    if (norm > 0) {
      pair.adaptCount++;
    }
    adaptCount++;
    return loss;
  }

  /** Returns the bound on the norm of one supervised step. */
  public float maxStepNorm() {
    return maxStepNorm;
  }

  /**
   * Sets the bound on the norm of one supervised step (over A and B together).
   *
   * @throws IllegalArgumentException unless {@code maxStepNorm} is finite and > 0
   */
  public void setMaxStepNorm(float maxStepNorm) {
    this.maxStepNorm = Checks.positiveFinite("maxStepNorm", maxStepNorm);
  }

  /** Zeroes B and both counters and restores A's initial values. */
  public void reset() {
    pair.reset();
    forwardCount = 0;
    adaptCount = 0;
  }

  /** Returns the number of forward passes since construction or {@link #reset()}. */
  public long forwardCount() {
    return forwardCount;
  }

  /**
   * Returns the number of adapt calls since construction or {@link #reset()}, including calls
   * that changed nothing (tiny gradient, non-positive reward), as the reference counts them.
   */
  public long adaptCount() {
    return adaptCount;
  }

  /** Returns {@code alpha * |B|} (Frobenius norm, the reference's approximate square root). */
  public float deltaNorm() {
    return pair.deltaNorm();
  }

  /**
   * Returns the reference's parameter count, {@code 2 * dim + 512}: the reference stores B with
   * 256 columns whatever the dimension. This adapter stores {@code 4 * dim} floats.
   */
  public int paramCount() {
    return 2 * pair.dim + 2 * MAX_DIM;
  }

  LoraPair pair() {
    return pair;
  }
}
