package dev.learnedcost.calcite.feedback;

import java.util.Arrays;

/** The median of a prefix of an array, for the windows of this package. */
final class Medians {
  private Medians() {}

  /** Returns the median of {@code values[0..n)}, NaN when {@code n} is 0; does not modify it. */
  static double of(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
