package dev.learnedcost.calcite.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The newest {@code capacity} values of a series: the one ring buffer of the plugin (latency
 * windows of the regression guard, error windows of the learning statistics, an operator's
 * recent cost targets). Not thread-safe: its owner guards it.
 *
 * <p>Median: a sorted copy of the held values, {@code O(n log n)} for {@code n <= capacity}; the
 * windows are small (3 to 256) and read far less often than written.
 */
public final class Window {
  private final double[] values;
  private int size;
  private int next;

  /**
   * Creates an empty window.
   *
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public Window(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    values = new double[capacity];
  }

  /** Adds a value, dropping the oldest when full. */
  public void add(double v) {
    values[next] = v;
    next = (next + 1) % values.length;
    size = Math.min(size + 1, values.length);
  }

  /** Returns how many values are held. */
  public int size() {
    return size;
  }

  /** Returns the capacity. */
  public int capacity() {
    return values.length;
  }

  /** Forgets every value. */
  public void clear() {
    size = 0;
    next = 0;
  }

  /** Returns the values held, oldest first (a copy). */
  public double[] toArray() {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) {
      out[i] = values[(next - size + i + values.length) % values.length];
    }
    return out;
  }

  /** Returns the median of the values held, NaN when empty. */
  public double median() {
    return median(values, size);
  }

  /** Returns the largest value held, NaN when empty. */
  public double max() {
    double m = Double.NaN;
    for (int i = 0; i < size; i++) {
      m = Double.isNaN(m) ? values[i] : Math.max(m, values[i]);
    }
    return m;
  }

  /** Writes the values held, oldest first: an int count, then the doubles. */
  public void writeTo(DataOutput out) throws IOException {
    double[] v = toArray();
    out.writeInt(v.length);
    for (double x : v) {
      out.writeDouble(x);
    }
  }

  /**
   * Reads values written by {@link #writeTo} and adds them (a window shorter than the written
   * one keeps the newest).
   *
   * @param maxSize the largest count accepted
   * @param what what the values are, for the messages
   * @throws IOException if the count is outside {@code 0..maxSize} or a value is negative or not
   *     finite (the message names {@code what} and the value)
   */
  public void readFrom(DataInput in, int maxSize, String what) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > maxSize) {
      throw new IOException(what + ": size must be in 0.." + maxSize + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      double v = in.readDouble();
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IOException(what + ": a value must be finite and >= 0, got " + v);
      }
      add(v);
    }
  }

  /**
   * Returns the median of {@code values[0..n)}, NaN when {@code n} is 0; does not modify the
   * array. The mean of the two middle values when {@code n} is even.
   */
  public static double median(double[] values, int n) {
    if (n == 0) {
      return Double.NaN;
    }
    double[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
