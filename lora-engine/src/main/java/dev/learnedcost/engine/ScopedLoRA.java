package dev.learnedcost.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

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
 *   <li>Cost: a forward is one pass over {@code x} for the projections and one output pass.
 *       Without a blend, one adapter's two projections; at {@code w = 0} (no history of its
 *       own) the category adapter alone ({@code 0 * y_op + 1 * y_cat} without reading y_op); while
 *       blending ({@code 0 < w < 1}) one pass computes the four projections (operator and
 *       category) and one pass writes
 *       {@code x + w alpha (l0 b0 + l1 b1)_op + (1 - w) alpha (c0 b0 + c1 b1)_cat}, with the
 *       weights folded into four scalars once per call (on the bit-exact scalar kernel the two
 *       outputs are computed and mixed as the reference does). No allocation on the buffer and
 *       {@code forwardInto} paths. The loops run on {@link Vectorization#kernelName() the
 *       active kernel}: SIMD when the JVM has {@code jdk.incubator.vector}, else plain Java
 *       with independent partial sums.</li>
 * </ul>
 *
 * <h2>Concurrency: a sequence lock</h2>
 * Planner threads call forward while a learner thread trains. The weights live in place in
 * primitive arrays guarded by one {@link StampedLock} used as a sequence lock:
 * <ul>
 *   <li>Readers ({@link #forwardInto(int, float[], float[])}, {@link #forwardArray(int,
 *       float[])}, {@link #forward(int)}) take an optimistic stamp, compute into the caller's
 *       output (reading the blend decision, {@code adaptCount < 10} and the fallback flag,
 *       inside the same section) and validate the stamp. If a writer intervened the result is
 *       discarded and recomputed, so a caller never sees a mix of old A with new B; after
 *       {@value #OPTIMISTIC_ATTEMPTS} failed attempts the reader takes the read lock, which waits
 *       for at most the one write in progress (a few hundred nanoseconds: every write is O(dim)
 *       in place). Readers never write shared memory except the forward counter.</li>
 *   <li>Writers (adapt, train, reset, setters) take the write lock and mutate in place, so an
 *       adapt costs its arithmetic only. Copy-on-write (a new immutable model published through
 *       a volatile field per write) was rejected: it copies 4 x dim floats per adapter per
 *       write (4 KB at dim 256, twice for operator and category), several times the adapt
 *       itself, and produces garbage on the learner's hot path.</li>
 *   <li>Forward counts are one {@link LongAdder} per operator: exact under any number of
 *       concurrent readers (every validated forward adds exactly 1) and, unlike a shared
 *       {@code AtomicLongArray} slot, without a contended cache line when eight planner threads
 *       forward the same operator. Measured with {@code ForwardCounterBenchmark} (tests module)
 *       on a loaded 2-core machine: one thread 11 ns against 7-8 ns for the array slot; four
 *       threads on one operator 24-50 ns against 32-61 ns. The adder costs a few nanoseconds
 *       alone and avoids the shared hot cache line (all 17 array slots share two lines) under
 *       concurrency. A reset racing with forwards counts each racing forward either before or
 *       after the reset.</li>
 *   <li>The buffer methods ({@link #inputBuffer()}, {@link #forward(int)}, {@link #adapt(int)},
 *       {@link #adaptWithReward(int, float)}) share one input and one output buffer, so they
 *       belong to one thread at a time; they remain safe against other threads' array calls.
 *       Planner threads use {@link #forwardInto(int, float[], float[])} with their own
 *       buffers.</li>
 * </ul>
 *
 * <h2>Persistence</h2>
 * {@link #save(Path)} and {@link #load(Path)} (and {@link #writeTo} / {@link #readFrom} for
 * streams) write and read a versioned, CRC32C-checked binary snapshot of every adapter, the
 * settings and the counters; saving is crash-safe (temporary file, force, atomic rename) and
 * loading returns a new instance, so a failed load leaves the caller's model as it was.
 *
 * <p>The Java counterpart of the reference's {@code WasmScopedLoRA}; operator ids outside 0..16,
 * wrong lengths and non-finite values throw {@link IllegalArgumentException} instead of being
 * ignored, and leave the state unchanged.
 */
public final class ScopedLoRA {
  /** Adaptations after which an operator stops blending with its category. */
  public static final int FALLBACK_ADAPTATIONS = 10;

  private static final VectorKernel KERNEL = Vectorization.kernel();

  /** Optimistic attempts a reader makes before it takes the read lock. */
  static final int OPTIMISTIC_ATTEMPTS = 4;

  private static final int[] CATEGORY_OF = new int[OperatorScope.COUNT];

  static {
    for (OperatorScope s : OperatorScope.values()) {
      CATEGORY_OF[s.id()] = s.category().id();
    }
  }

  private final int dim;
  private final float alpha;
  private final float learningRate;
  private final LoraPair[] operators = new LoraPair[OperatorScope.COUNT];
  private final LoraPair[] categories = new LoraPair[OperatorCategory.COUNT];
  private final LongAdder[] forwardCounts = new LongAdder[OperatorScope.COUNT];
  private final float[] input;
  private final float[] output;
  /** Scratch of the target steps, used under the write lock only (0 B per step). */
  private final float[] targetGradient;
  private final double[] targetOperator;
  private final double[] targetCategory;
  /** Guards the adapters, {@link #categoryFallback} and {@link #maxStepNorm}. */
  private final StampedLock lock = new StampedLock();
  private boolean categoryFallback = true;
  private volatile float maxStepNorm = MicroLoRA.DEFAULT_MAX_STEP_NORM;

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
    for (int i = 0; i < forwardCounts.length; i++) {
      forwardCounts[i] = new LongAdder();
    }
    this.input = new float[dim];
    this.output = new float[dim];
    this.targetGradient = new float[dim];
    this.targetOperator = new double[dim];
    this.targetCategory = new double[dim];
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
   * Computes the (possibly blended) forward pass for an operator into a new array. Safe to call
   * from any number of threads while another thread adapts or trains (see the class notes).
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
   * thread). Safe to call from any number of threads while another thread adapts or trains;
   * never returns a mix of two versions of the weights. {@code out} may not be {@code x}.
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
    LoraPair cat = categories[CATEGORY_OF[opType]];
    StampedLock lock = this.lock;
    for (int attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0L) {
        Thread.onSpinWait();
        continue;
      }
      boolean finite = forwardOnce(op, cat, x, y);
      if (lock.validate(stamp)) {
        finishForward(finite, opType, name, x);
        return;
      }
    }
    long stamp = lock.readLock();
    boolean finite;
    try {
      finite = forwardOnce(op, cat, x, y);
    } finally {
      lock.unlockRead(stamp);
    }
    finishForward(finite, opType, name, x);
  }

  /**
   * Computes the (possibly blended) output; false, with {@code y} untouched, if a projection is
   * not finite. Reads the blend decision with the weights, inside the caller's read section.
   */
  private boolean forwardOnce(LoraPair op, LoraPair cat, float[] x, float[] y) {
    // A non-finite element of x always makes a projection non-finite (NaN * a = NaN,
    // inf * a = inf or NaN), so the kernel's check of the projections covers the whole input
    // at no extra pass.
    long n = op.adaptCount;
    if (!categoryFallback || n >= FALLBACK_ADAPTATIONS) {
      return op.forward(x, y);
    }
    if (n == 0) {
      // w = 0: 0 * y_op + 1 * y_cat is y_cat exactly, so the operator adapter is not read.
      return cat.forward(x, y);
    }
    return KERNEL.blend(op, cat, Math.min((float) n / 10f, 1f), x, y);
  }

  private void finishForward(boolean finite, int opType, String name, float[] x) {
    if (!finite) {
      throw Checks.nonFiniteSum(name, x, "the projection x A");
    }
    forwardCounts[opType].increment();
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
      adaptBoth(opType, input, sumSq, learningRate * Math.min(improvement, 2f));
    }
  }

  /** {@link #adaptWithReward(int, float)} for a scope. */
  public void adaptWithReward(OperatorScope scope, float improvement) {
    adaptWithReward(scope.id(), improvement);
  }

  private void adaptScaled(int opType, String name, float[] g, float lr) {
    adaptBoth(opType, g, MicroLoRA.checkedSumSquares(name, g, dim), lr);
  }

  private void adaptBoth(int opType, float[] g, float sumSq, float lr) {
    long stamp = lock.writeLock();
    try {
      operators[opType].adaptReference(g, sumSq, lr);
      categories[CATEGORY_OF[opType]].adaptReference(g, sumSq, lr);
    } finally {
      lock.unlockWrite(stamp);
    }
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
    long stamp = lock.writeLock();
    try {
      return trainBlended(opType, x, null, outputGradient, false);
    } finally {
      lock.unlockWrite(stamp);
    }
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
    return trainTargetsImpl(opType, x, dims, targets, LoraPair.BOTH_RANKS);
  }

  /**
   * {@link #trainTargets(int, float[], int[], float[])} restricted to one rank of the adapters:
   * only {@code A_rank} and {@code B_rank} move. Training each output dimension on its own rank
   * (for example rows on rank 0 and cost on rank 1) keeps them independent: the B entries of the
   * other rank on that dimension stay as they are (0 from a fresh adapter), so noisy targets of
   * one output never move the other output's prediction.
   *
   * @param rank 0 or 1
   * @throws IllegalArgumentException on any invalid argument, including a rank other than 0 or 1
   *     (nothing changes)
   */
  public double trainTargetsOnRank(int opType, float[] x, int[] dims, float[] targets, int rank) {
    if (rank != 0 && rank != 1) {
      throw new IllegalArgumentException("rank must be 0 or 1, got " + rank);
    }
    return trainTargetsImpl(opType, x, dims, targets, rank);
  }

  private double trainTargetsImpl(int opType, float[] x, int[] dims, float[] targets, int rank) {
    Checks.opType(opType);
    Checks.allFinite("input", Checks.length("input", x, dim));
    Checks.targets(dims, targets, dim);
    LoraPair op = operators[opType];
    LoraPair cat = categories[CATEGORY_OF[opType]];
    long stamp = lock.writeLock();
    try {
      float[] g = targetGradient; // dims are distinct dimensions: dims.length <= dim
      double[] yOp = targetOperator;
      double[] yCat = targetCategory;
      double w = blendWeight(op);
      op.outputsAt(x, dims, yOp);
      if (w < 1) {
        cat.outputsAt(x, dims, yCat);
      }
      double loss = 0;
      for (int k = 0; k < dims.length; k++) {
        double y = w * yOp[k];
        if (w < 1) {
          y += (1 - w) * yCat[k];
        }
        double err = y - targets[k];
        g[k] = (float) err;
        loss += 0.5 * err * err;
      }
      trainBlended(opType, x, dims, g, true, rank);
      return loss;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** {@link #trainTargets(int, float[], int[], float[])} for a scope. */
  public double trainTargets(OperatorScope scope, float[] x, int[] dims, float[] targets) {
    return trainTargets(scope.id(), x, dims, targets);
  }

  /** {@link #trainTargetsOnRank(int, float[], int[], float[], int)} for a scope. */
  public double trainTargetsOnRank(
      OperatorScope scope, float[] x, int[] dims, float[] targets, int rank) {
    return trainTargetsOnRank(scope.id(), x, dims, targets, rank);
  }

  private double blendWeight(LoraPair op) {
    return categoryFallback && op.adaptCount < FALLBACK_ADAPTATIONS
        ? Math.min((float) op.adaptCount / 10f, 1f)
        : 1.0;
  }

  private double trainBlended(int opType, float[] x, int[] dims, float[] g, boolean targetLoss) {
    return trainBlended(opType, x, dims, g, targetLoss, LoraPair.BOTH_RANKS);
  }

  private double trainBlended(
      int opType, float[] x, int[] dims, float[] g, boolean targetLoss, int rank) {
    LoraPair op = operators[opType];
    LoraPair cat = categories[CATEGORY_OF[opType]];
    double w = blendWeight(op);
    double opNorm = w > 0
        ? op.train(x, dims, g, (float) w, learningRate, maxStepNorm, targetLoss, rank) : 0;
    double catNorm = w < 1
        ? cat.train(x, dims, g, (float) (1 - w), learningRate, maxStepNorm, targetLoss, rank) : 0;
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
    Checks.positiveFinite("maxStepNorm", maxStepNorm);
    long stamp = lock.writeLock();
    try {
      this.maxStepNorm = maxStepNorm;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Clears one operator adapter (B and adapt count) and its forward count; not its category. */
  public void resetScope(int opType) {
    Checks.opType(opType);
    long stamp = lock.writeLock();
    try {
      operators[opType].reset();
      forwardCounts[opType].reset();
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** {@link #resetScope(int)} for a scope. */
  public void resetScope(OperatorScope scope) {
    resetScope(scope.id());
  }

  /** Clears every operator and category adapter and every forward count. */
  public void resetAll() {
    long stamp = lock.writeLock();
    try {
      for (LoraPair p : operators) {
        p.reset();
      }
      for (LoraPair p : categories) {
        p.reset();
      }
      for (LongAdder c : forwardCounts) {
        c.reset();
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Returns the forward passes of an operator since construction or its last reset. */
  public long forwardCount(int opType) {
    return forwardCounts[Checks.opType(opType)].sum();
  }

  /** {@link #forwardCount(int)} for a scope. */
  public long forwardCount(OperatorScope scope) {
    return forwardCount(scope.id());
  }

  /** Returns the adaptations that changed an operator's adapter (not its category's). */
  public long adaptCount(int opType) {
    Checks.opType(opType);
    long stamp = lock.readLock();
    try {
      return operators[opType].adaptCount;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** {@link #adaptCount(int)} for a scope. */
  public long adaptCount(OperatorScope scope) {
    return adaptCount(scope.id());
  }

  /**
   * Returns whether a forward of an operator returns its input unchanged ({@code y = x}, so
   * every readout is exactly 0): the operator's adapter was never adapted and no category blend
   * applies (the blend is off, or the category adapter was never adapted either). A caller that
   * only reads the readouts can skip building the input and the forward then. Lock-free; a
   * concurrent adaptation may or may not be seen, like a forward that runs at the same time.
   *
   * @throws IllegalArgumentException if {@code opType} is outside 0..16
   */
  public boolean isIdentity(int opType) {
    Checks.opType(opType);
    LoraPair op = operators[opType];
    LoraPair cat = categories[CATEGORY_OF[opType]];
    long stamp = lock.tryOptimisticRead();
    boolean identity = op.adaptCount == 0 && (!categoryFallback || cat.adaptCount == 0);
    if (stamp != 0L && lock.validate(stamp)) {
      return identity;
    }
    stamp = lock.readLock();
    try {
      return op.adaptCount == 0 && (!categoryFallback || cat.adaptCount == 0);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** {@link #isIdentity(int)} for a scope. */
  public boolean isIdentity(OperatorScope scope) {
    return isIdentity(scope.id());
  }

  /** Returns {@code alpha * |B|} of an operator's adapter. */
  public float deltaNorm(int opType) {
    Checks.opType(opType);
    long stamp = lock.readLock();
    try {
      return operators[opType].deltaNorm();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** {@link #deltaNorm(int)} for a scope. */
  public float deltaNorm(OperatorScope scope) {
    return deltaNorm(scope.id());
  }

  /** Returns the sum of all operators' forward counts. */
  public long totalForwardCount() {
    long total = 0;
    for (LongAdder c : forwardCounts) {
      total += c.sum();
    }
    return total;
  }

  /** Returns the sum of all operator adapters' adapt counts (categories not included). */
  public long totalAdaptCount() {
    long stamp = lock.readLock();
    try {
      long total = 0;
      for (LoraPair p : operators) {
        total += p.adaptCount;
      }
      return total;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Turns the category blend on or off (on by default). */
  public void setCategoryFallback(boolean enabled) {
    long stamp = lock.writeLock();
    try {
      this.categoryFallback = enabled;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Returns whether the category blend is on. */
  public boolean categoryFallback() {
    long stamp = lock.readLock();
    try {
      return categoryFallback;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Saves a snapshot of every adapter, the settings (dim, alpha, learning rate, maxStepNorm,
   * category fallback) and the counters to {@code path}, crash-safely: a crash at any point
   * leaves either the previous file or the complete new one under {@code path}. The model is
   * copied to memory under the read lock (forwards continue; writers wait for the copy only)
   * and written to disk outside it.
   *
   * @param path target file; its directory must exist
   * @throws IOException if writing fails (the previous file, if any, is then unchanged)
   */
  public void save(Path path) throws IOException {
    AtomicFiles.write(path, toSnapshot());
  }

  /**
   * Writes a snapshot to a stream (the same bytes {@link #save(Path)} writes), for embedding in
   * another file; the stream is flushed, not closed.
   *
   * @throws IOException if the stream fails
   */
  public void writeTo(OutputStream out) throws IOException {
    SnapshotCodec.write(out, toSnapshot());
  }

  /**
   * Loads a snapshot written by {@link #save(Path)} into a new instance, so a failure leaves
   * every existing model untouched.
   *
   * @throws SnapshotFormatException if a check fails (magic, version, kind, dim, length,
   *     checksum, values); the message names the file and the check
   * @throws IOException if reading fails
   */
  public static ScopedLoRA load(Path path) throws IOException {
    Checks.notNull("path", path);
    return fromSnapshot(path.toString(),
        SnapshotCodec.readFile(path, SnapshotCodec.KIND_SCOPED));
  }

  /**
   * Reads one snapshot written by {@link #writeTo} from a stream into a new instance, consuming
   * exactly its bytes.
   *
   * @throws SnapshotFormatException if a check fails, including a stream that ends early
   * @throws IOException if reading fails
   */
  public static ScopedLoRA readFrom(InputStream in) throws IOException {
    Checks.notNull("in", in);
    return fromSnapshot("stream",
        SnapshotCodec.readStream("stream", in, SnapshotCodec.KIND_SCOPED));
  }

  byte[] toSnapshot() {
    long stamp = lock.readLock();
    try {
      ByteBuffer b = SnapshotCodec.begin(SnapshotCodec.KIND_SCOPED, dim, alpha, learningRate,
          maxStepNorm, categoryFallback ? SnapshotCodec.FLAG_CATEGORY_FALLBACK : 0);
      for (LongAdder c : forwardCounts) {
        b.putLong(c.sum());
      }
      for (LoraPair p : operators) {
        SnapshotCodec.putAdapter(b, p);
      }
      for (LoraPair p : categories) {
        SnapshotCodec.putAdapter(b, p);
      }
      return SnapshotCodec.finish(b);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private static ScopedLoRA fromSnapshot(String source, byte[] bytes)
      throws SnapshotFormatException {
    SnapshotCodec.Header h = SnapshotCodec.parse(source, bytes, SnapshotCodec.KIND_SCOPED);
    ByteBuffer b = h.body();
    ScopedLoRA s = new ScopedLoRA(h.dim(), h.alpha(), h.learningRate());
    s.maxStepNorm = h.maxStepNorm();
    s.categoryFallback = (h.flags() & SnapshotCodec.FLAG_CATEGORY_FALLBACK) != 0;
    for (OperatorScope scope : OperatorScope.values()) {
      s.forwardCounts[scope.id()].add(
          SnapshotCodec.counter(source, b, scope.displayName() + " forward count"));
    }
    for (OperatorScope scope : OperatorScope.values()) {
      SnapshotCodec.readAdapter(source, b, s.operators[scope.id()],
          scope.displayName() + " operator");
    }
    for (OperatorCategory category : OperatorCategory.values()) {
      SnapshotCodec.readAdapter(source, b, s.categories[category.id()],
          category.displayName() + " category");
    }
    return s;
  }

  LoraPair operatorPair(int opType) {
    return operators[opType];
  }

  LoraPair categoryPair(int categoryId) {
    return categories[categoryId];
  }
}
