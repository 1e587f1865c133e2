package dev.learnedcost.examples.internal;

import java.math.BigDecimal;

/** Formatting of parameter values for manifests and file names. */
public final class Numbers {
  private Numbers() {}

  /** Returns the shortest plain decimal form of {@code value}: 0.01, 1, 2.5. */
  public static String canonical(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
