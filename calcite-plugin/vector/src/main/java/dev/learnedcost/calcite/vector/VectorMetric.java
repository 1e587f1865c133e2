package dev.learnedcost.calcite.vector;

import java.util.Locale;

/**
 * A distance between two vectors of equal dimension, named after the SQL function that
 * computes it. Distances order ascending (nearest first); {@link #INNER_PRODUCT} is a similarity
 * and orders descending.
 *
 * <p>Inner loops are plain indexed loops over {@code float} arrays accumulating in
 * {@code double}, so results agree with a brute-force reference computed the same way
 * bit for bit.
 */
public enum VectorMetric {
  /** {@code 1 - a·b / (|a| |b|)}, in [0, 2]; undefined (an error) for a zero vector. */
  COSINE("COSINE_DISTANCE", true),
  /** Euclidean distance {@code sqrt(sum (a_i - b_i)^2)}. */
  L2("L2_DISTANCE", true),
  /** {@code a·b}; larger is nearer. */
  INNER_PRODUCT("INNER_PRODUCT", false);

  private final String sqlName;
  private final boolean ascending;

  VectorMetric(String sqlName, boolean ascending) {
    this.sqlName = sqlName;
    this.ascending = ascending;
  }

  /** Returns the SQL function name, e.g. {@code COSINE_DISTANCE}. */
  public String sqlName() {
    return sqlName;
  }

  /** Whether nearer means smaller (true for the distances, false for the inner product). */
  public boolean ascending() {
    return ascending;
  }

  /** Returns the metric whose SQL function is {@code name} (case-insensitive), or null. */
  public static VectorMetric ofSqlName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (VectorMetric m : values()) {
      if (m.sqlName.equals(upper)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Computes the metric of two vectors already checked by {@link FloatVector#check}: equal
   * lengths, finite values.
   *
   * @throws IllegalArgumentException for a cosine distance with a zero vector
   */
  public double apply(float[] a, float[] b) {
    switch (this) {
      case COSINE: {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
          dot += (double) a[i] * b[i];
          na += (double) a[i] * a[i];
          nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
          throw new IllegalArgumentException(sqlName + ": cosine distance is undefined for a zero"
              + " vector, got norm 0 for argument " + (na == 0 ? 1 : 2)
              + "; use L2_DISTANCE or INNER_PRODUCT for vectors that may be zero");
        }
        return 1.0 - dot / (Math.sqrt(na) * Math.sqrt(nb));
      }
      case L2: {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
          double d = (double) a[i] - b[i];
          sum += d * d;
        }
        return Math.sqrt(sum);
      }
      case INNER_PRODUCT: {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
          dot += (double) a[i] * b[i];
        }
        return dot;
      }
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Checks both vectors for this metric's SQL function (non-null, finite, equal dimension) and
   * computes the metric.
   *
   * @throws IllegalArgumentException naming the function, the argument and the value
   */
  public double checkedApply(float[] a, float[] b) {
    FloatVector.check(sqlName, 1, a);
    FloatVector.check(sqlName, 2, b);
    if (a.length != b.length) {
      throw new IllegalArgumentException(sqlName + ": both vectors must have the same dimension,"
          + " got " + a.length + " (argument 1) and " + b.length + " (argument 2)");
    }
    return apply(a, b);
  }
}
