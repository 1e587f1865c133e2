package dev.learnedcost.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

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
 * <h2>Concurrency</h2>
 * Safe for concurrent use with the same design as {@link ScopedLoRA} (see its design notes):
 * {@link #forwardArray} runs under a {@link StampedLock} optimistic read and retries if a writer
 * intervened, so it never returns a mix of old and new weights and never blocks for longer than
 * one write; every mutator takes the write lock; the forward count is a {@link LongAdder}, exact
 * under concurrent readers. The buffer methods share one input and one output buffer, so they
 * belong to one thread at a time (they are still safe against other threads' array calls).
 *
 * <h2>Persistence</h2>
 * {@link #save(Path)} / {@link #load(Path)} (and {@link #writeTo} / {@link #readFrom} for
 * streams) write and read a versioned, checksummed binary snapshot: weights, alpha, learning
 * rate, maxStepNorm and counters; see the module README for the layout.
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
  /** Scratch of {@link #trainTargets}, used under the write lock only (0 B per step). */
  private final float[] targetGradient;
  private final double[] targetOutputs;
  /** Guards the weights, {@link #adaptCount} and {@link #maxStepNorm}; see the class notes. */
  private final StampedLock lock = new StampedLock();
  private final LongAdder forwardCount = new LongAdder();
  private long adaptCount;
  private volatile float maxStepNorm = DEFAULT_MAX_STEP_NORM;

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
    this.targetGradient = new float[dim];
    this.targetOutputs = new double[dim];
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
    LoraPair p = pair;
    StampedLock lock = this.lock;
    for (int attempt = 0; attempt < ScopedLoRA.OPTIMISTIC_ATTEMPTS; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp == 0L) {
        Thread.onSpinWait();
        continue;
      }
      boolean finite = forwardOnce(p, x, y);
      if (lock.validate(stamp)) {
        finishForward(finite, name, x);
        return;
      }
    }
    long stamp = lock.readLock();
    boolean finite;
    try {
      finite = forwardOnce(p, x, y);
    } finally {
      lock.unlockRead(stamp);
    }
    finishForward(finite, name, x);
  }

  /** Computes the output; false (output untouched) if a projection is not finite. */
  private static boolean forwardOnce(LoraPair p, float[] x, float[] y) {
    // A non-finite element of x always makes a projection non-finite (NaN * a = NaN,
    // inf * a = inf or NaN), so the kernel's check of the projections covers the whole input
    // at no extra pass.
    return p.forward(x, y);
  }

  private void finishForward(boolean finite, String name, float[] x) {
    if (!finite) {
      throw Checks.nonFiniteSum(name, x, "the projection x A");
    }
    forwardCount.increment();
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
    long stamp = lock.writeLock();
    try {
      if (improvement > 0f) {
        pair.adaptReference(input, sumSq, pair.learningRate * Math.min(improvement, 2f));
      }
      adaptCount++;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private void adaptScaled(String name, float[] g, float lr) {
    float sumSq = checkedSumSquares(name, g, pair.dim);
    long stamp = lock.writeLock();
    try {
      pair.adaptReference(g, sumSq, lr);
      adaptCount++;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  static float checkedSumSquares(String name, float[] g, int dim) {
    float sumSq = Vectorization.kernel().sumSquares(g, dim);
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
    long stamp = lock.writeLock();
    try {
      double norm = pair.train(x, null, outputGradient, 1f, pair.learningRate, maxStepNorm);
      if (norm > 0) {
        pair.adaptCount++;
      }
      adaptCount++;
      return norm;
    } finally {
      lock.unlockWrite(stamp);
    }
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
    long stamp = lock.writeLock();
    try {
      float[] g = targetGradient; // dims are distinct dimensions: dims.length <= dim
      double[] y = targetOutputs;
      pair.outputsAt(x, dims, y);
      double loss = 0;
      for (int k = 0; k < dims.length; k++) {
        double err = y[k] - targets[k];
        g[k] = (float) err;
        loss += 0.5 * err * err;
      }
      double norm = pair.train(x, dims, g, 1f, pair.learningRate, maxStepNorm, true);
      if (norm > 0) {
        pair.adaptCount++;
      }
      adaptCount++;
      return loss;
    } finally {
      lock.unlockWrite(stamp);
    }
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
    Checks.positiveFinite("maxStepNorm", maxStepNorm);
    long stamp = lock.writeLock();
    try {
      this.maxStepNorm = maxStepNorm;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Zeroes B and both counters and restores A's initial values. */
  public void reset() {
    long stamp = lock.writeLock();
    try {
      pair.reset();
      forwardCount.reset();
      adaptCount = 0;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Returns the number of forward passes since construction or {@link #reset()}. */
  public long forwardCount() {
    return forwardCount.sum();
  }

  /**
   * Returns the number of adapt calls since construction or {@link #reset()}, including calls
   * that changed nothing (tiny gradient, non-positive reward), as the reference counts them.
   */
  public long adaptCount() {
    long stamp = lock.readLock();
    try {
      return adaptCount;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Returns {@code alpha * |B|} (Frobenius norm, the reference's approximate square root). */
  public float deltaNorm() {
    long stamp = lock.readLock();
    try {
      return pair.deltaNorm();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Returns the reference's parameter count, {@code 2 * dim + 512}: the reference stores B with
   * 256 columns whatever the dimension. This adapter stores {@code 4 * dim} floats.
   */
  public int paramCount() {
    return 2 * pair.dim + 2 * MAX_DIM;
  }

  /**
   * Saves a snapshot of this adapter (weights, alpha, learning rate, maxStepNorm, counters) to
   * {@code path}, crash-safely: a crash at any point leaves either the previous file or the
   * complete new one. Concurrent forwards continue; concurrent writers wait for the in-memory
   * copy only, not for the disk.
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
   * Loads a snapshot written by {@link #save(Path)} into a new adapter.
   *
   * @throws SnapshotFormatException if a check fails (magic, version, kind, dim, length,
   *     checksum, values); the message names the file and the check
   * @throws IOException if reading fails
   */
  public static MicroLoRA load(Path path) throws IOException {
    Checks.notNull("path", path);
    return fromSnapshot(path.toString(), SnapshotCodec.readFile(path, SnapshotCodec.KIND_MICRO));
  }

  /**
   * Reads one snapshot written by {@link #writeTo} from a stream into a new adapter, consuming
   * exactly its bytes.
   *
   * @throws SnapshotFormatException if a check fails, including a stream that ends early
   * @throws IOException if reading fails
   */
  public static MicroLoRA readFrom(InputStream in) throws IOException {
    Checks.notNull("in", in);
    return fromSnapshot("stream",
        SnapshotCodec.readStream("stream", in, SnapshotCodec.KIND_MICRO));
  }

  byte[] toSnapshot() {
    long stamp = lock.readLock();
    try {
      ByteBuffer b = SnapshotCodec.begin(SnapshotCodec.KIND_MICRO, pair.dim, pair.alpha,
          pair.learningRate, maxStepNorm, 0);
      b.putLong(forwardCount.sum());
      b.putLong(adaptCount);
      SnapshotCodec.putAdapter(b, pair);
      return SnapshotCodec.finish(b);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private static MicroLoRA fromSnapshot(String source, byte[] bytes)
      throws SnapshotFormatException {
    SnapshotCodec.Header h = SnapshotCodec.parse(source, bytes, SnapshotCodec.KIND_MICRO);
    ByteBuffer b = h.body();
    MicroLoRA m = new MicroLoRA(h.dim(), h.alpha(), h.learningRate());
    m.maxStepNorm = h.maxStepNorm();
    m.forwardCount.add(SnapshotCodec.counter(source, b, "forward count"));
    m.adaptCount = SnapshotCodec.counter(source, b, "adapt count");
    SnapshotCodec.readAdapter(source, b, m.pair, "adapter");
    return m;
  }

  LoraPair pair() {
    return pair;
  }
}
