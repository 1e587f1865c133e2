package dev.learnedcost.examples.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Engine-independent comparison, ordering and canonical text of result values, shared by the
 * result comparator and the result hash.
 *
 * <p>Numbers compare by value whatever their Java type ({@code Integer 15}, {@code Long 15} and
 * {@code BigDecimal 15.00} are equal). In an approximate context (a floating-point column or
 * value, or decimals of different scales) two numbers are equal within a relative tolerance,
 * and order and canonical text use the value rounded to {@value #SIGNIFICANT_DIGITS}
 * significant digits. Strings of fixed-length {@code CHAR} columns compare without trailing
 * blanks, as SQL's PAD SPACE rule does.
 */
public final class Values {

  /** Significant digits kept when approximate numbers are ordered or hashed. */
  public static final int SIGNIFICANT_DIGITS = 9;

  private static final MathContext ROUNDING =
      new MathContext(SIGNIFICANT_DIGITS, RoundingMode.HALF_EVEN);

  private Values() {}

  /** Returns whether {@code value} is a {@code Float} or {@code Double}. */
  public static boolean isFloating(Object value) {
    return value instanceof Double || value instanceof Float;
  }

  /**
   * Returns whether two values are equal.
   *
   * @param approximate whether numbers compare within {@code relativeTolerance}
   * @param fixedChar whether strings compare without trailing blanks
   */
  public static boolean equal(Object a, Object b, boolean approximate, boolean fixedChar,
      double relativeTolerance) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof Number x && b instanceof Number y) {
      if (approximate || isFloating(x) || isFloating(y)) {
        return close(x.doubleValue(), y.doubleValue(), relativeTolerance);
      }
      return exact(x).compareTo(exact(y)) == 0;
    }
    if (a instanceof String s && b instanceof String t) {
      return fixedChar ? stripTrailingBlanks(s).equals(stripTrailingBlanks(t)) : s.equals(t);
    }
    if (a instanceof byte[] s && b instanceof byte[] t) {
      return Arrays.equals(s, t);
    }
    return a.equals(b);
  }

  /**
   * Returns whether {@code |a - b| <= tolerance * max(|a|, |b|)}; NaN equals NaN, an infinity
   * only itself.
   */
  static boolean close(double a, double b, double relativeTolerance) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return a == b;
    }
    return Math.abs(a - b) <= relativeTolerance * Math.max(Math.abs(a), Math.abs(b));
  }

  /**
   * Orders two values: {@code null} first, then numbers, strings, dates, times, timestamps,
   * booleans, byte arrays and anything else (by its text).
   *
   * @param approximate whether numbers are ordered by their value rounded to
   *     {@value #SIGNIFICANT_DIGITS} significant digits
   */
  public static int compare(Object a, Object b, boolean approximate, boolean fixedChar) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    int rank = Integer.compare(rank(a), rank(b));
    if (rank != 0) {
      return rank;
    }
    if (a instanceof Number x && b instanceof Number y) {
      if (approximate || isFloating(x) || isFloating(y)) {
        return compareApproximate(x, y);
      }
      return exact(x).compareTo(exact(y));
    }
    if (a instanceof String s && b instanceof String t) {
      return fixedChar ? stripTrailingBlanks(s).compareTo(stripTrailingBlanks(t)) : s.compareTo(t);
    }
    if (a instanceof byte[] s && b instanceof byte[] t) {
      return Arrays.compare(s, t);
    }
    if (a.getClass() == b.getClass() && a instanceof Comparable<?>) {
      @SuppressWarnings("unchecked")
      Comparable<Object> comparable = (Comparable<Object>) a;
      return comparable.compareTo(b);
    }
    return a.toString().compareTo(b.toString());
  }

  private static int compareApproximate(Number x, Number y) {
    double dx = x.doubleValue();
    double dy = y.doubleValue();
    if (Double.isNaN(dx) || Double.isNaN(dy) || Double.isInfinite(dx) || Double.isInfinite(dy)) {
      return Double.compare(dx, dy);
    }
    return rounded(x).compareTo(rounded(y));
  }

  private static int rank(Object value) {
    if (value instanceof Number) {
      return 1;
    }
    if (value instanceof String) {
      return 2;
    }
    if (value instanceof LocalDate) {
      return 3;
    }
    if (value instanceof LocalTime) {
      return 4;
    }
    if (value instanceof LocalDateTime) {
      return 5;
    }
    if (value instanceof Boolean) {
      return 6;
    }
    if (value instanceof byte[]) {
      return 7;
    }
    return 8;
  }

  /**
   * Returns a canonical text of {@code value} that equal values share: numbers as plain decimals
   * without trailing zeros (approximate ones rounded to {@value #SIGNIFICANT_DIGITS} significant
   * digits), strings length-prefixed, other values tagged by kind.
   */
  public static String canonical(Object value, boolean approximate, boolean fixedChar) {
    if (value == null) {
      return "N";
    }
    if (value instanceof Number n) {
      if (approximate || isFloating(n)) {
        double d = n.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          return "#" + d;
        }
        return "#" + rounded(n).toPlainString();
      }
      return "#" + exact(n).stripTrailingZeros().toPlainString();
    }
    if (value instanceof String s) {
      String text = fixedChar ? stripTrailingBlanks(s) : s;
      return "S" + text.length() + ":" + text;
    }
    if (value instanceof LocalDate || value instanceof LocalTime
        || value instanceof LocalDateTime) {
      return "T" + value;
    }
    if (value instanceof Boolean b) {
      return "B" + b;
    }
    if (value instanceof byte[] bytes) {
      return "X" + HexFormat.of().formatHex(bytes);
    }
    String text = value.toString();
    return "O" + value.getClass().getName() + ":" + text.length() + ":" + text;
  }

  /** Returns a readable text of a value for messages: strings quoted, decimals plain. */
  public static String display(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      return "'" + (s.length() > 80 ? s.substring(0, 77) + "..." : s) + "'";
    }
    if (value instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (value instanceof byte[] bytes) {
      return "X'" + HexFormat.of().formatHex(bytes) + "'";
    }
    if (value instanceof List<?> row) {
      StringBuilder text = new StringBuilder("[");
      for (int i = 0; i < row.size(); i++) {
        text.append(i == 0 ? "" : ", ").append(display(row.get(i)));
      }
      return text.append(']').toString();
    }
    return value.toString();
  }

  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    double d = n.doubleValue();
    return Double.isFinite(d) ? new BigDecimal(d) : BigDecimal.ZERO;
  }

  private static BigDecimal rounded(Number n) {
    BigDecimal value = n instanceof Double || n instanceof Float
        ? new BigDecimal(n.doubleValue())
        : exact(n);
    if (value.signum() == 0) {
      return BigDecimal.ZERO;
    }
    return value.round(ROUNDING).stripTrailingZeros();
  }

  private static String stripTrailingBlanks(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }
}
