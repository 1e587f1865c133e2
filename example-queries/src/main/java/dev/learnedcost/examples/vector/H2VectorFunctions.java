package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.vector.VectorMetric;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The distance functions as H2 Java aliases, so that H2 runs the vector queries by brute force:
 * the exact reference the demo compares Calcite's plans with. Arguments are {@code Float[]}:
 * H2 converts a {@code REAL ARRAY} column and an {@code ARRAY[...]} literal of decimals to it
 * (an {@code Object[]} parameter would be an array of JAVA_OBJECT, which H2 refuses to convert
 * REAL to). Same arithmetic as the Calcite
 * functions ({@link VectorMetric#checkedApply}), same error messages.
 */
public final class H2VectorFunctions {
  private H2VectorFunctions() {}

  /** Creates (if missing) the aliases {@code COSINE_DISTANCE}, {@code L2_DISTANCE}, {@code INNER_PRODUCT}. */
  public static void createAliases(Connection h2) throws SQLException {
    try (Statement s = h2.createStatement()) {
      for (String[] f : new String[][] {{"COSINE_DISTANCE", "cosineDistance"},
          {"L2_DISTANCE", "l2Distance"}, {"INNER_PRODUCT", "innerProduct"}}) {
        s.execute("CREATE ALIAS IF NOT EXISTS " + f[0] + " DETERMINISTIC FOR \""
            + H2VectorFunctions.class.getName() + "." + f[1] + "\"");
      }
    }
  }

  /** H2's {@code COSINE_DISTANCE}. */
  public static double cosineDistance(Float[] a, Float[] b) {
    return apply(VectorMetric.COSINE, a, b);
  }

  /** H2's {@code L2_DISTANCE}. */
  public static double l2Distance(Float[] a, Float[] b) {
    return apply(VectorMetric.L2, a, b);
  }

  /** H2's {@code INNER_PRODUCT}. */
  public static double innerProduct(Float[] a, Float[] b) {
    return apply(VectorMetric.INNER_PRODUCT, a, b);
  }

  private static double apply(VectorMetric metric, Float[] a, Float[] b) {
    return metric.checkedApply(floats(metric, 1, a), floats(metric, 2, b));
  }

  private static float[] floats(VectorMetric metric, int argument, Float[] values) {
    if (values == null) {
      throw new IllegalArgumentException(metric.sqlName() + ": argument " + argument
          + " must be a vector, got NULL");
    }
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw new IllegalArgumentException(metric.sqlName() + ": argument " + argument
            + " must hold numbers only, got NULL at index " + i);
      }
      out[i] = values[i];
    }
    return out;
  }
}
