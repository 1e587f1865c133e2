package dev.learnedcost.examples.internal;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Samples ranks 1..n with probability proportional to {@code 1 / rank^exponent} (a Zipf
 * distribution) by inverting a precomputed cumulative table with binary search.
 *
 * <p>Worked example: n = 50,000 and exponent 1.1 give rank 1 a probability of
 * {@code 1 / H(50000, 1.1) = 1 / 7.19 = 13.9%}, and the top 1% of ranks (500) about 72% of all
 * samples. Cost: 8n bytes, O(log n) per sample.
 */
public final class ZipfSampler {
  private final double[] cumulative;

  /**
   * Builds the table.
   *
   * @param n number of ranks, >= 1
   * @param exponent skew, >= 0 (0 is uniform)
   */
  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("exponent must be finite and >= 0, got " + exponent);
    }
    cumulative = new double[n];
    double sum = 0;
    for (int rank = 1; rank <= n; rank++) {
      sum += 1.0 / Math.pow(rank, exponent);
      cumulative[rank - 1] = sum;
    }
  }

  /** Returns the number of ranks. */
  public int size() {
    return cumulative.length;
  }

  /** Returns the probability of {@code rank} (1-based). */
  public double probability(int rank) {
    double below = rank == 1 ? 0 : cumulative[rank - 2];
    return (cumulative[rank - 1] - below) / cumulative[cumulative.length - 1];
  }

  /** Draws a rank in 1..n. */
  public int sample(SplittableRandom random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, u);
    // binarySearch returns -(insertion point) - 1 when u is not a stored sum; the insertion
    // point is the first index whose cumulative sum exceeds u, which is the sampled rank - 1.
    int index = i >= 0 ? i + 1 : -i - 1;
    return Math.min(index, cumulative.length - 1) + 1;
  }
}
