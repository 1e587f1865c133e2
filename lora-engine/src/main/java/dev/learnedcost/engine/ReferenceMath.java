package dev.learnedcost.engine;

/**
 * The reference package's numeric helpers, reproduced bit for bit: its approximate square root
 * and its deterministic initialisation of A.
 */
final class ReferenceMath {
  private ReferenceMath() {}

  /**
   * The reference's square root: one Newton step on the "0x5f3759df" inverse square root,
   * multiplied back by {@code x}. Relative error up to about 0.2%; 0 for {@code x <= 0}.
   * Conformance depends on using exactly this, not {@link Math#sqrt}.
   */
  static float fastSqrt(float x) {
    if (x <= 0f) {
      return 0f;
    }
    int i = 0x5f3759df - (Float.floatToRawIntBits(x) >>> 1);
    float y = Float.intBitsToFloat(i);
    return x * y * (1.5f - 0.5f * x * y * y);
  }

  /** The reference's xorshift of a 32-bit seed, mapped to [0, 1] as {@code x / 2^32} in float. */
  static float pseudoRandom(int seed) {
    int x = seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (float) (x & 0xFFFF_FFFFL) / 4294967296f;
  }

  /** Initial A scale for a dimension: {@code sqrt(2/d) * 0.1}, in float as the reference. */
  static float initScale(int dim) {
    return (float) Math.sqrt(2.0f / dim) * 0.1f;
  }
}
