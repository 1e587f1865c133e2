package dev.learnedcost.engine;

/**
 * Argument checks shared by the engine. Every message names the argument, the rule and the
 * value, and every check runs before any state is touched, so a rejected call changes nothing.
 */
final class Checks {
  static final int MAX_DIM = 256;

  private Checks() {}

  static int dim(int dim) {
    if (dim < 1 || dim > MAX_DIM) {
      throw new IllegalArgumentException(
          "dim must be in 1.." + MAX_DIM + ", got " + dim
              + " (the reference silently caps at " + MAX_DIM + "; reduce the embedding instead)");
    }
    return dim;
  }

  static float nonNegativeFinite(String name, float value) {
    if (!Float.isFinite(value) || value < 0f) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
    }
    return value;
  }

  static float finite(String name, float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
    return value;
  }

  static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
    return value;
  }

  static int opType(int opType) {
    if (opType < 0 || opType >= OperatorScope.COUNT) {
      throw new IllegalArgumentException(
          "opType must be in 0.." + (OperatorScope.COUNT - 1) + ", got " + opType);
    }
    return opType;
  }

  static int attentionType(int attentionType) {
    if (attentionType < 0 || attentionType > 255) {
      throw new IllegalArgumentException("attentionType must be in 0..255, got " + attentionType);
    }
    return attentionType;
  }

  static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** Checks that {@code v} is non-null and has exactly {@code dim} elements. */
  static float[] length(String name, float[] v, int dim) {
    return length(name, v, dim, "dim");
  }

  /** As {@link #length(String, float[], int)}, naming the expected length {@code lengthName}. */
  static float[] length(String name, float[] v, int expected, String lengthName) {
    notNull(name, v);
    if (v.length != expected) {
      throw new IllegalArgumentException(
          name + " length must equal " + lengthName + " (" + expected + "), got " + v.length);
    }
    return v;
  }

  /**
   * Checks every element of {@code v} for NaN and infinity. The common case, all finite, costs
   * one pass of the active kernel's sum of squares (SIMD or independent chains, against a
   * compare and branch per element): a NaN or an infinity always makes that sum non-finite.
   * Only when it is not finite (a bad element, or finite elements whose squares overflow) does
   * the element-by-element scan run, to name the first bad element or to find none.
   */
  static float[] allFinite(String name, float[] v) {
    if (Float.isFinite(Vectorization.kernel().sumSquares(v, v.length))) {
      return v;
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + v[i]);
      }
    }
    return v;
  }

  /**
   * Called when a sum over {@code v} came out non-finite: names the first non-finite element, or
   * reports the overflow when every element is finite. Always throws.
   */
  static IllegalArgumentException nonFiniteSum(String name, float[] v, String what) {
    allFinite(name, v);
    float max = 0f;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    return new IllegalArgumentException(
        name + " overflows the float range in " + what + " (largest |" + name + "[i]| is " + max
            + "); scale it to a smaller range");
  }

  static float positiveFinite(String name, float value) {
    if (!Float.isFinite(value) || value <= 0f) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
    }
    return value;
  }

  /**
   * Checks a sparse target: {@code dims} and {@code targets} non-null, equally long, at least one
   * element, every dim in 0..dim-1 and distinct, every target finite.
   */
  static void targets(int[] dims, float[] targets, int dim) {
    notNull("dims", dims);
    notNull("targets", targets);
    if (dims.length == 0) {
      throw new IllegalArgumentException("dims must name at least one output dimension, got none");
    }
    if (targets.length != dims.length) {
      throw new IllegalArgumentException(
          "targets length must equal dims length (" + dims.length + "), got " + targets.length);
    }
    for (int k = 0; k < dims.length; k++) {
      if (dims[k] < 0 || dims[k] >= dim) {
        throw new IllegalArgumentException(
            "dims[" + k + "] must be in 0.." + (dim - 1) + ", got " + dims[k]);
      }
      for (int m = 0; m < k; m++) {
        if (dims[m] == dims[k]) {
          throw new IllegalArgumentException(
              "dims must be distinct, got " + dims[k] + " at " + m + " and " + k);
        }
      }
    }
    allFinite("targets", targets);
  }
}
