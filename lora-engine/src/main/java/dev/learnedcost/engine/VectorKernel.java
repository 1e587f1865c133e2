package dev.learnedcost.engine;

/**
 * The engine's inner loops, one implementation per strategy: {@link ScalarKernel} (plain Java,
 * the reference's summation order, bit-identical to it) and {@code PanamaKernel}
 * ({@code jdk.incubator.vector}, reordered sums, within the conformance tolerance).
 *
 * <p>Every method reads and writes only the first {@code n} elements of its arrays, allocates
 * nothing and checks nothing: callers validate up front. The instance in use is
 * {@link Vectorization#kernel()}, chosen once per JVM.
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

  /** {@code out_i = x_i + alpha * (l0 * b0_i + l1 * b1_i)}. {@code out} may be {@code x}. */
  void lowRankOut(
      float[] x, float l0, float l1, float[] b0, float[] b1, float alpha, float[] out, int n);

  /**
   * {@code out_i = w * (x_i + alphaOp * (l0 * ob0_i + l1 * ob1_i))
   * + (1 - w) * (x_i + alphaCat * (c0 * cb0_i + c1 * cb1_i))}: the blended output of an operator
   * adapter and its category adapter. {@code out} may not be {@code x}.
   */
  void blendOut(
      float[] x, float l0, float l1, float[] ob0, float[] ob1, float alphaOp,
      float c0, float c1, float[] cb0, float[] cb1, float alphaCat, float w, float[] out, int n);

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
