package dev.learnedcost.engine;

/**
 * The engine's inner loops, one implementation per strategy: {@link ScalarKernel} (plain Java,
 * the reference's summation order, bit-identical to it), {@link UnrolledKernel} (plain Java,
 * independent partial sums and fused multiply-adds) and {@code PanamaKernel}
 * ({@code jdk.incubator.vector}); the last two round differently from the reference, within the
 * conformance tolerance.
 *
 * <p>Every method reads and writes only the first {@code n} (or {@code dim}) elements of its
 * arrays, allocates nothing and checks nothing: callers validate up front. The instance in use
 * is {@link Vectorization#kernel()}, chosen once per JVM and held in {@code static final}
 * fields, so each call site sees one implementation and the JIT inlines it.
 */
interface VectorKernel {
  /** Returns a short name for logs and benchmarks ({@code "scalar"}, {@code "panama-256"}). */
  String name();

  /**
   * Returns {@code x . a0} and {@code x . a1} packed by {@link #pack} (two floats in one long, so
   * that the hot path returns both without allocating).
   */
  long dot2(float[] x, float[] a0, float[] a1, int n);

  /** Returns {@code sum_i a_i}. */
  float sum(float[] a, int n);

  /** Returns {@code sum_i g_i^2}. */
  float sumSquares(float[] g, int n);

  /**
   * The forward pass of one adapter: {@code out_i = x_i + alpha * (l0 * b0_i + l1 * b1_i)} with
   * {@code l_k = x . a_k}. Returns false, with {@code out} untouched, if {@code l0} or {@code l1}
   * is not finite, which is how a non-finite element of {@code x} shows (NaN or infinity times
   * any weight, zero included, is NaN or infinite, and so is every sum it enters).
   * {@code out} may be {@code x}.
   */
  boolean forward(LoraPair p, float[] x, float[] out);

  /**
   * The blended forward pass {@code out = w * y_op + (1 - w) * y_cat}, where {@code y_op} and
   * {@code y_cat} are {@link #forward} of the operator and the category adapter, with
   * {@code 0 <= w < 1}. Returns false, with {@code out} untouched, if any of the four projections
   * is not finite. {@code out} may not be {@code x}.
   */
  boolean blend(LoraPair op, LoraPair cat, float w, float[] x, float[] out);

  /** {@code b0_j += k0 * (g_j * invNorm); b1_j += k1 * (g_j * invNorm)}. */
  void rankOneUpdate(float[] b0, float[] b1, float[] g, float invNorm, float k0, float k1, int n);

  /** Packs two floats into a long: {@code first} in the high half. */
  static long pack(float first, float second) {
    return ((long) Float.floatToRawIntBits(first) << 32)
        | (Float.floatToRawIntBits(second) & 0xFFFF_FFFFL);
  }

  /** The first float of {@link #pack}. */
  static float first(long packed) {
    return Float.intBitsToFloat((int) (packed >>> 32));
  }

  /** The second float of {@link #pack}. */
  static float second(long packed) {
    return Float.intBitsToFloat((int) packed);
  }
}
