package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.Numbers;
import dev.learnedcost.examples.internal.SkewTables;
import java.util.List;
import java.util.Map;

/**
 * A star schema built so that Calcite's stock estimates are wrong by orders of magnitude: a
 * fact table and dimensions of very different sizes, Zipf-skewed foreign keys, correlated
 * columns and predicates whose true selectivity is far from the 15% Calcite guesses. The design
 * and, per query, why the stock estimates go wrong are in the module's README.
 *
 * <p>Generation is deterministic: {@link java.util.SplittableRandom} streams derived from
 * {@code seed}, so equal parameters give identical tables on every JVM.
 *
 * @param sizeFactor multiplies the sizes of {@code SALES} (500,000 rows at 1) and
 *     {@code CUSTOMER} (50,000 rows at 1); the other dimensions are fixed; in
 *     [{@value #MIN_SIZE_FACTOR}, {@value #MAX_SIZE_FACTOR}]
 * @param seed seed of every random choice
 */
public record SkewDataset(double sizeFactor, long seed) implements Dataset {

  /** The data set's name, also the directory of its built-in queries. */
  public static final String NAME = "skew";

  /** The default size factor. */
  public static final double DEFAULT_SIZE_FACTOR = 1.0;

  /** The default seed. */
  public static final long DEFAULT_SEED = 42L;

  /** The smallest size factor: 5,000 sales and 500 customers. */
  public static final double MIN_SIZE_FACTOR = 0.01;

  /** The largest size factor: 10 million sales. */
  public static final double MAX_SIZE_FACTOR = 20;

  /**
   * Validates the size factor.
   *
   * @throws IllegalArgumentException if {@code sizeFactor} is outside [0.01, 20]
   */
  public SkewDataset {
    if (!(sizeFactor >= MIN_SIZE_FACTOR && sizeFactor <= MAX_SIZE_FACTOR)) {
      throw new IllegalArgumentException("sizeFactor must be in [" + MIN_SIZE_FACTOR + ", "
          + (int) MAX_SIZE_FACTOR + "], got " + sizeFactor + "; the default is "
          + DEFAULT_SIZE_FACTOR);
    }
  }

  /** Returns the data set with {@link #DEFAULT_SIZE_FACTOR} and {@link #DEFAULT_SEED}. */
  public static SkewDataset withDefaults() {
    return new SkewDataset(DEFAULT_SIZE_FACTOR, DEFAULT_SEED);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Returns {@code size=<sizeFactor>,seed=<seed>}, e.g. {@code size=1,seed=42}. */
  @Override
  public String parameters() {
    return "size=" + Numbers.canonical(sizeFactor) + ",seed=" + seed;
  }

  @Override
  public List<String> tableNames() {
    return SkewTables.TABLE_NAMES;
  }

  /**
   * Returns the number of rows of each table, in creation order, for these parameters; exact,
   * unlike TPC-H, because the sizes do not depend on the seed.
   */
  public Map<String, Long> rowCounts() {
    return SkewTables.rowCounts(sizeFactor);
  }
}
