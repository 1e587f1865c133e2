package dev.learnedcost.calcite.vector;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An embedding: an immutable {@code List<Float>} backed by a {@code float[]}, the runtime value of
 * a {@code REAL ARRAY} column of a {@link VectorTable}. Calcite's Enumerable code sees a
 * {@code List} (its representation of SQL arrays); the distance functions read the array behind
 * it without boxing.
 */
public final class FloatVector extends AbstractList<Float> implements RandomAccess {
  private final float[] values;

  private FloatVector(float[] values) {
    this.values = values;
  }

  /**
   * Returns a vector holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if {@code values} is empty or holds NaN or infinity
   */
  public static FloatVector of(float... values) {
    float[] copy = values.clone();
    check("FloatVector.of", 1, copy);
    return new FloatVector(copy);
  }

  @Override
  public Float get(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return values.length;
  }

  /** Returns the values; the caller must not modify the array. */
  float[] array() {
    return values;
  }

  /** Returns a copy of the values. */
  public float[] toFloatArray() {
    return values.clone();
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }

  /**
   * Returns the values of a SQL array argument as floats: the backing array of a
   * {@link FloatVector} (not copied), otherwise each element's {@code floatValue}.
   *
   * @param function the SQL function, for messages
   * @param argument the argument's position, 1-based, for messages
   * @throws IllegalArgumentException naming the function and argument if the value is null,
   *     empty, holds a null or a non-number, or holds NaN or infinity
   */
  public static float[] toFloats(String function, int argument, List<?> value) {
    if (value == null) {
      throw new IllegalArgumentException(function + ": argument " + argument
          + " must be a vector, got NULL");
    }
    if (value instanceof FloatVector v) {
      return v.values;
    }
    float[] out = new float[value.size()];
    for (int i = 0; i < out.length; i++) {
      Object e = value.get(i);
      if (!(e instanceof Number n)) {
        throw new IllegalArgumentException(function + ": argument " + argument
            + " must hold numbers only, got " + (e == null ? "NULL" : e.getClass().getSimpleName()
            + " " + e) + " at index " + i);
      }
      out[i] = n.floatValue();
      if (!Float.isFinite(out[i])) {
        throw new IllegalArgumentException(function + ": argument " + argument
            + " must hold finite values, got " + n + " at index " + i);
      }
    }
    check(function, argument, out);
    return out;
  }

  /**
   * Checks that a vector is non-empty and finite.
   *
   * @throws IllegalArgumentException naming the function, argument, index and value
   */
  public static void check(String function, int argument, float[] v) {
    if (v == null) {
      throw new IllegalArgumentException(function + ": argument " + argument
          + " must be a vector, got NULL");
    }
    if (v.length == 0) {
      throw new IllegalArgumentException(function + ": argument " + argument
          + " must have dimension >= 1, got an empty vector");
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(function + ": argument " + argument
            + " must hold finite values, got " + v[i] + " at index " + i);
      }
    }
  }
}
