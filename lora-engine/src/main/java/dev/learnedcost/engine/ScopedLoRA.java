package dev.learnedcost.engine;

/**
 * Seventeen rank-2 adapters, one per {@link OperatorScope}, plus seven category adapters that an
 * operator falls back on while it has little history of its own.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Blend: while category fallback is on (the default) and an operator adapter has fewer
 *       than 10 effective adaptations {@code n}, its output is blended with its category's:
 *       {@code w = min(n/10, 1); y = w * y_op + (1 - w) * y_cat}. So an operator with no history
 *       answers with its category adapter alone.</li>
 *   <li>Adapting an operator also adapts its category adapter (transfer between, say, SeqScan
 *       and IndexScan).</li>
 *   <li>Counters as the reference: {@link #adaptCount(int)} counts only adaptations that changed
 *       the operator adapter; {@link #totalAdaptCount()} sums operator adapters, not categories;
 *       {@link #resetScope(int)} clears one operator adapter and its forward count but not its
 *       category adapter.</li>
 *   <li>Cost: a forward is two projections and one output pass per adapter involved (one, or two
 *       while blending), with no allocation on the buffer path.</li>
 *   <li>Not thread-safe.</li>
 * </ul>
 *
 * <p>The Java counterpart of the reference's {@code WasmScopedLoRA}; operator ids outside 0..16,
 * wrong lengths and non-finite values throw {@link IllegalArgumentException} instead of being
 * ignored, and leave the state unchanged.
 */
public final class ScopedLoRA {
  /** Adaptations after which an operator stops blending with its category. */
  public static final int FALLBACK_ADAPTATIONS = 10;

  private final int dim;
  private final float alpha;
  private final float learningRate;
  private final LoraPair[] operators = new LoraPair[OperatorScope.COUNT];
  private final LoraPair[] categories = new LoraPair[OperatorCategory.COUNT];
  private final long[] forwardCounts = new long[OperatorScope.COUNT];
  private final float[] input;
  private final float[] output;
  private boolean categoryFallback = true;
  private float maxStepNorm = MicroLoRA.DEFAULT_MAX_STEP_NORM;

  /** Creates a scoped adapter set with the reference defaults (256, 0.1, 0.01). */
  public ScopedLoRA() {
    this(MicroLoRA.DEFAULT_DIM, MicroLoRA.DEFAULT_ALPHA, MicroLoRA.DEFAULT_LEARNING_RATE);
  }

  /**
   * Creates a scoped adapter set; every adapter starts as the identity.
   *
   * @param dim embedding dimension, 1..256
   * @param alpha scaling factor, finite and >= 0
   * @param learningRate step size, finite and >= 0
   * @throws IllegalArgumentException if an argument is out of range
   */
  public ScopedLoRA(int dim, float alpha, float learningRate) {
    Checks.dim(dim);
    Checks.nonNegativeFinite("alpha", alpha);
    Checks.nonNegativeFinite("learningRate", learningRate);
    this.dim = dim;
    this.alpha = alpha;
    this.learningRate = learningRate;
    for (int i = 0; i < operators.length; i++) {
      operators[i] = new LoraPair(dim, alpha, learningRate);
    }
    for (int i = 0; i < categories.length; i++) {
      categories[i] = new LoraPair(dim, alpha, learningRate);
    }
    this.input = new float[dim];
    this.output = new float[dim];
  }

  /** Returns the embedding dimension. */
  public int dim() {
    return dim;
  }

  /** Returns the scaling factor alpha. */
  public float alpha() {
    return alpha;
  }

  /** Returns the learning rate. */
  public float learningRate() {
    return learningRate;
  }

  /** Returns the live input buffer ({@code dim} floats), the zero-copy path. */
  public float[] inputBuffer() {
    return input;
  }

  /** Returns the live output buffer ({@code dim} floats) written by {@link #forward(int)}. */
  public float[] outputBuffer() {
    return output;
  }

  /**
   * Returns the reference name of an operator id ({@code "HnswScan"}), or {@code "Unknown"} for
   * an id outside 0..16, as the reference does (this is the one method that does not reject a bad
   * id).
   */
  public static String scopeName(int opType) {
    return opType >= 0 && opType < OperatorScope.COUNT
        ? OperatorScope.fromId(opType).displayName()
        : "Unknown";
  }

  /**
   * Computes the (possibly blended) forward pass for an operator into a new array.
   *
   * @param opType operator id, 0..16
   * @param x input of length {@code dim}, all finite; not modified
   * @throws IllegalArgumentException on a bad id, a wrong length or a non-finite element
   */
  public float[] forwardArray(int opType, float[] x) {
    Checks.opType(opType);
    Checks.length("input", x, dim);
    float[] y = new float[dim];
    forwardInto(opType, "input", x, y);
    return y;
  }

  /**
   * Computes the forward pass for an operator from {@code x} into the caller's {@code out}, the
   * allocation-free path for callers with their own buffers (for example one per planner
   * thread). {@code out} may not be {@code x}.
   *
   * @param opType operator id, 0..16
   * @param x input of length {@code dim}, all finite; not modified
   * @param out receives the output; length {@code dim}
   * @throws IllegalArgumentException on a bad id, a wrong length, a non-finite element, or
   *     {@code out == x} ({@code out} is then unchanged)
   */
  public void forwardInto(int opType, float[] x, float[] out) {
    Checks.opType(opType);
    Checks.length("input", x, dim);
    Checks.length("out", out, dim);
    if (out == x) {
      throw new IllegalArgumentException("out must be a different array from input");
    }
    forwardInto(opType, "input", x, out);
  }

  /** {@link #forwardInto(int, float[], float[])} for a scope. */
  public void forwardInto(OperatorScope scope, float[] x, float[] out) {
    forwardInto(scope.id(), x, out);
  }

  /** {@link #forwardArray(int, float[])} for a scope. */
  public float[] forwardArray(OperatorScope scope, float[] x) {
    return forwardArray(scope.id(), x);
  }

  /**
   * Computes the forward pass for an operator from {@link #inputBuffer()} into
   * {@link #outputBuffer()}. Allocates nothing.
   *
   * @throws IllegalArgumentException on a bad id or a non-finite value in the input buffer
   */
  public void forward(int opType) {
    Checks.opType(opType);
    forwardInto(opType, "inputBuffer", input, output);
  }

  /** {@link #forward(int)} for a scope. */
  public void forward(OperatorScope scope) {
    forward(scope.id());
  }

  private void forwardInto(int opType, String name, float[] x, float[] y) {
    LoraPair op = operators[opType];
    float l0 = op.project0(x);
    float l1 = op.project1(x);
    if (!Float.isFinite(l0) || !Float.isFinite(l1)) {
      throw Checks.nonFiniteSum(name, x, "the projection x A");
    }
    if (categoryFallback && op.adaptCount < FALLBACK_ADAPTATIONS) {
      LoraPair cat = categories[OperatorScope.fromId(opType).category().id()];
      float c0 = cat.project0(x);
      float c1 = cat.project1(x);
      if (!Float.isFinite(c0) || !Float.isFinite(c1)) {
        throw Checks.nonFiniteSum(name, x, "the projection x A");
      }
      float w = Math.min((float) op.adaptCount / 10f, 1f);
      blend(x, op, l0, l1, cat, c0, c1, w, y);
    } else {
      op.output(x, l0, l1, y);
    }
    forwardCounts[opType]++;
  }

  /** {@code y = w * y_op + (1 - w) * y_cat}, each term computed as the reference. */
  private void blend(
      float[] x, LoraPair op, float l0, float l1, LoraPair cat, float c0, float c1, float w,
      float[] y) {
    float alphaOp = op.alpha;
    float alphaCat = cat.alpha;
    float cw = 1f - w;
    float[] ob0 = op.b0;
    float[] ob1 = op.b1;
    float[] cb0 = cat.b0;
    float[] cb1 = cat.b1;
    for (int i = 0; i < dim; i++) {
      float yo = x[i] + alphaOp * (l0 * ob0[i] + l1 * ob1[i]);
      float yc = x[i] + alphaCat * (c0 * cb0[i] + c1 * cb1[i]);
      y[i] = yo * w + yc * cw;
    }
  }

  /**
   * Applies the reference's adaptation to an operator adapter and to its category adapter.
   *
   * @param opType operator id, 0..16
   * @param gradient gradient of length {@code dim}, all finite; not modified
   * @throws IllegalArgumentException on a bad id, a wrong length or a non-finite element
   */
  public void adaptArray(int opType, float[] gradient) {
    Checks.opType(opType);
    Checks.length("gradient", gradient, dim);
    adaptScaled(opType, "gradient", gradient, learningRate);
  }

  /** {@link #adaptArray(int, float[])} for a scope. */
  public void adaptArray(OperatorScope scope, float[] gradient) {
    adaptArray(scope.id(), gradient);
  }

  /** {@link #adaptArray(int, float[])} with {@link #inputBuffer()} as the gradient. */
  public void adapt(int opType) {
    Checks.opType(opType);
    adaptScaled(opType, "inputBuffer", input, learningRate);
  }

  /** {@link #adapt(int)} for a scope. */
  public void adapt(OperatorScope scope) {
    adapt(scope.id());
  }

  /**
   * Adapts an operator and its category with the learning rate scaled by
   * {@code min(improvement, 2)}, using {@link #inputBuffer()} as the gradient; nothing changes
   * when {@code improvement <= 0}.
   *
   * @throws IllegalArgumentException on a bad id, a non-finite improvement or buffer value
   */
  public void adaptWithReward(int opType, float improvement) {
    Checks.opType(opType);
    Checks.finite("improvement", improvement);
    float sumSq = MicroLoRA.checkedSumSquares("inputBuffer", input, dim);
    if (improvement > 0f) {
      float lr = learningRate * Math.min(improvement, 2f);
      operators[opType].adaptReference(input, sumSq, lr);
      categories[OperatorScope.fromId(opType).category().id()].adaptReference(input, sumSq, lr);
    }
  }

  /** {@link #adaptWithReward(int, float)} for a scope. */
  public void adaptWithReward(OperatorScope scope, float improvement) {
    adaptWithReward(scope.id(), improvement);
  }

  private void adaptScaled(int opType, String name, float[] g, float lr) {
    float sumSq = MicroLoRA.checkedSumSquares(name, g, dim);
    operators[opType].adaptReference(g, sumSq, lr);
    categories[OperatorScope.fromId(opType).category().id()].adaptReference(g, sumSq, lr);
  }

  /**
   * One supervised SGD step on A and B for an operator: {@code outputGradient} is {@code dL/dy}
   * for the output {@link #forwardArray(int, float[])} gives at {@code x}. Following the blend,
   * the operator adapter receives the gradient scaled by {@code w} and its category adapter by
   * {@code 1 - w} ({@code w = 1} once the operator has 10 adaptations or when fallback is off);
   * both adapt counts advance, as with {@link #adaptArray(int, float[])}, when the gradient is
   * not zero. Each adapter's step is clipped to {@link #maxStepNorm()}.
   *
   * @return the larger of the two step norms applied
   * @throws IllegalArgumentException on a bad id, a wrong length or a non-finite element
   *     (nothing changes)
   */
  public double trainStep(int opType, float[] x, float[] outputGradient) {
    Checks.opType(opType);
    Checks.allFinite("input", Checks.length("input", x, dim));
    Checks.allFinite("outputGradient", Checks.length("outputGradient", outputGradient, dim));
    return trainBlended(opType, x, null, outputGradient, false);
  }

  /** {@link #trainStep(int, float[], float[])} for a scope. */
  public double trainStep(OperatorScope scope, float[] x, float[] outputGradient) {
    return trainStep(scope.id(), x, outputGradient);
  }

  /**
   * One supervised step for an operator towards target values on chosen output dimensions,
   * with the squared loss {@code L = 1/2 * sum_k (y[dims[k]] - targets[k])^2} on the (blended)
   * output; otherwise as {@link #trainStep(int, float[], float[])}.
   *
   * @return the loss before the step
   * @throws IllegalArgumentException on any invalid argument (nothing changes)
   */
  public double trainTargets(int opType, float[] x, int[] dims, float[] targets) {
    Checks.opType(opType);
    Checks.allFinite("input", Checks.length("input", x, dim));
    Checks.targets(dims, targets, dim);
    LoraPair op = operators[opType];
    LoraPair cat = categories[OperatorScope.fromId(opType).category().id()];
    double w = blendWeight(op);
    float[] g = new float[dims.length];
    double loss = 0;
    for (int k = 0; k < dims.length; k++) {
      double y = w * op.outputAt(x, dims[k]);
      if (w < 1) {
        y += (1 - w) * cat.outputAt(x, dims[k]);
      }
      double err = y - targets[k];
      g[k] = (float) err;
      loss += 0.5 * err * err;
    }
    trainBlended(opType, x, dims, g, true);
    return loss;
  }

  /** {@link #trainTargets(int, float[], int[], float[])} for a scope. */
  public double trainTargets(OperatorScope scope, float[] x, int[] dims, float[] targets) {
    return trainTargets(scope.id(), x, dims, targets);
  }

  private double blendWeight(LoraPair op) {
    return categoryFallback && op.adaptCount < FALLBACK_ADAPTATIONS
        ? Math.min((float) op.adaptCount / 10f, 1f)
        : 1.0;
  }

  private double trainBlended(int opType, float[] x, int[] dims, float[] g, boolean targetLoss) {
    LoraPair op = operators[opType];
    LoraPair cat = categories[OperatorScope.fromId(opType).category().id()];
    double w = blendWeight(op);
    double opNorm =
        w > 0 ? op.train(x, dims, g, (float) w, learningRate, maxStepNorm, targetLoss) : 0;
    double catNorm =
        w < 1 ? cat.train(x, dims, g, (float) (1 - w), learningRate, maxStepNorm, targetLoss) : 0;
    boolean nonZero = false;
    for (float v : g) {
      if (v != 0f) {
        nonZero = true;
        break;
      }
    }
    if (nonZero) {
      op.adaptCount++;
      cat.adaptCount++;
    }
    return Math.max(opNorm, catNorm);
  }

  /** Returns the bound on the norm of one supervised step of one adapter. */
  public float maxStepNorm() {
    return maxStepNorm;
  }

  /**
   * Sets the bound on the norm of one supervised step of one adapter.
   *
   * @throws IllegalArgumentException unless {@code maxStepNorm} is finite and > 0
   */
  public void setMaxStepNorm(float maxStepNorm) {
    this.maxStepNorm = Checks.positiveFinite("maxStepNorm", maxStepNorm);
  }

  /** Clears one operator adapter (B and adapt count) and its forward count; not its category. */
  public void resetScope(int opType) {
    Checks.opType(opType);
    operators[opType].reset();
    forwardCounts[opType] = 0;
  }

  /** {@link #resetScope(int)} for a scope. */
  public void resetScope(OperatorScope scope) {
    resetScope(scope.id());
  }

  /** Clears every operator and category adapter and every forward count. */
  public void resetAll() {
    for (LoraPair p : operators) {
      p.reset();
    }
    for (LoraPair p : categories) {
      p.reset();
    }
    java.util.Arrays.fill(forwardCounts, 0L);
  }

  /** Returns the forward passes of an operator since construction or its last reset. */
  public long forwardCount(int opType) {
    return forwardCounts[Checks.opType(opType)];
  }

  /** {@link #forwardCount(int)} for a scope. */
  public long forwardCount(OperatorScope scope) {
    return forwardCount(scope.id());
  }

  /** Returns the adaptations that changed an operator's adapter (not its category's). */
  public long adaptCount(int opType) {
    return operators[Checks.opType(opType)].adaptCount;
  }

  /** {@link #adaptCount(int)} for a scope. */
  public long adaptCount(OperatorScope scope) {
    return adaptCount(scope.id());
  }

  /** Returns {@code alpha * |B|} of an operator's adapter. */
  public float deltaNorm(int opType) {
    return operators[Checks.opType(opType)].deltaNorm();
  }

  /** {@link #deltaNorm(int)} for a scope. */
  public float deltaNorm(OperatorScope scope) {
    return deltaNorm(scope.id());
  }

  /** Returns the sum of all operators' forward counts. */
  public long totalForwardCount() {
    long total = 0;
    for (long c : forwardCounts) {
      total += c;
    }
    return total;
  }

  /** Returns the sum of all operator adapters' adapt counts (categories not included). */
  public long totalAdaptCount() {
    long total = 0;
    for (LoraPair p : operators) {
      total += p.adaptCount;
    }
    return total;
  }

  /** Turns the category blend on or off (on by default). */
  public void setCategoryFallback(boolean enabled) {
    this.categoryFallback = enabled;
  }

  /** Returns whether the category blend is on. */
  public boolean categoryFallback() {
    return categoryFallback;
  }

  LoraPair operatorPair(int opType) {
    return operators[opType];
  }

  LoraPair categoryPair(int categoryId) {
    return categories[categoryId];
  }
}
