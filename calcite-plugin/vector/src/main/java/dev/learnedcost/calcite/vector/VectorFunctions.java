package dev.learnedcost.calcite.vector;

import java.util.List;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;

/**
 * The SQL distance functions, registered as Calcite scalar functions of a schema:
 * {@code COSINE_DISTANCE(a, b)}, {@code L2_DISTANCE(a, b)}, {@code INNER_PRODUCT(a, b)}. Both
 * arguments are SQL arrays of numbers ({@code REAL ARRAY} columns of a {@link VectorTable},
 * {@code ARRAY[0.1, 0.2, ...]} literals); the result is a {@code DOUBLE}.
 *
 * <p>Bad input fails the query with an {@link IllegalArgumentException} that names the function,
 * the argument and the value: NULL, an empty vector, NaN or infinity, or vectors of different
 * dimensions.
 *
 * <p>Design note: Calcite's generated code builds a constant {@code ARRAY[...]} argument anew
 * for every row, as a new {@code ArrayList} of the same {@code BigDecimal} constants (hoisted
 * into static fields). {@code BigDecimal.floatValue} goes through the decimal string on JDK 17,
 * about 1.5 us a value: converting a 64-value literal per row made an exact kNN over 20,000 rows
 * take 2.2 s instead of 30 ms. So the last converted list's elements are remembered per thread,
 * and a list whose elements are the very same objects (compared by identity, then the
 * conversion is reused) costs 64 reference comparisons. Vectors of a {@link VectorTable} are
 * {@link FloatVector}s and are read without conversion.
 */
public final class VectorFunctions {
  private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

  private VectorFunctions() {}

  /** Registers the three functions in {@code schema} under their SQL names. */
  public static void register(SchemaPlus schema) {
    schema.add(VectorMetric.COSINE.sqlName(),
        ScalarFunctionImpl.create(VectorFunctions.class, "cosineDistance"));
    schema.add(VectorMetric.L2.sqlName(),
        ScalarFunctionImpl.create(VectorFunctions.class, "l2Distance"));
    schema.add(VectorMetric.INNER_PRODUCT.sqlName(),
        ScalarFunctionImpl.create(VectorFunctions.class, "innerProduct"));
  }

  /** {@code COSINE_DISTANCE(a, b)}: {@code 1 - cos(a, b)}. */
  public static double cosineDistance(List<?> a, List<?> b) {
    return apply(VectorMetric.COSINE, a, b);
  }

  /** {@code L2_DISTANCE(a, b)}: the Euclidean distance. */
  public static double l2Distance(List<?> a, List<?> b) {
    return apply(VectorMetric.L2, a, b);
  }

  /** {@code INNER_PRODUCT(a, b)}: the dot product. */
  public static double innerProduct(List<?> a, List<?> b) {
    return apply(VectorMetric.INNER_PRODUCT, a, b);
  }

  private static double apply(VectorMetric metric, List<?> a, List<?> b) {
    return metric.checkedApply(floats(metric, 1, a), floats(metric, 2, b));
  }

  private static boolean sameElements(Object[] cached, List<?> value) {
    if (cached == null || cached.length != value.size()) {
      return false;
    }
    for (int i = 0; i < cached.length; i++) {
      if (cached[i] != value.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static float[] floats(VectorMetric metric, int argument, List<?> value) {
    if (value instanceof FloatVector v) {
      return v.array();
    }
    Object[] last = LAST.get();
    if (value != null && sameElements((Object[]) last[0], value)) {
      return (float[]) last[1];
    }
    float[] f = FloatVector.toFloats(metric.sqlName(), argument, value);
    last[0] = value.toArray();
    last[1] = f;
    return f;
  }
}
