package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.VectorTables;
import java.util.List;

/**
 * Clustered embeddings for nearest-neighbour queries: {@code ITEMS} ({@code rows} vectors of
 * {@code dimension} REAL values with a category and a price), {@code ITEMS_SMALL} (500 rows of
 * the same distribution: the table where an exact scan should win) and the metadata table
 * {@code CATEGORIES} (100 rows) to join. Vectors are stored in H2 as {@code REAL ARRAY[d]}
 * columns; the demo loads them into memory as Calcite vector tables with HNSW and IVF-Flat
 * indexes (see {@link dev.learnedcost.examples.vector.VectorCatalog}).
 *
 * <p>Generation is deterministic: equal parameters give identical tables, and
 * {@link #queryVector(int)} the query vectors of the built-in queries.
 *
 * @param rows rows of {@code ITEMS}, in [{@value #MIN_ROWS}, {@value #MAX_ROWS}]
 * @param dimension vector dimension, in [{@value #MIN_DIMENSION}, {@value #MAX_DIMENSION}]
 * @param seed seed of every random choice
 */
public record VectorDataset(int rows, int dimension, long seed) implements Dataset {
  /** The data set's name, also the directory of its built-in queries. */
  public static final String NAME = "vector";
  /** Default rows of {@code ITEMS}. */
  public static final int DEFAULT_ROWS = 20_000;
  /** Default dimension. */
  public static final int DEFAULT_DIMENSION = 64;
  /** Default seed. */
  public static final long DEFAULT_SEED = 42L;
  /** Fewest rows of {@code ITEMS}: more than {@code ITEMS_SMALL}. */
  public static final int MIN_ROWS = 1_000;
  /** Most rows of {@code ITEMS}. */
  public static final int MAX_ROWS = 1_000_000;
  /** Smallest dimension. */
  public static final int MIN_DIMENSION = 4;
  /** Largest dimension. */
  public static final int MAX_DIMENSION = 1024;

  /**
   * Validates the parameters.
   *
   * @throws IllegalArgumentException if rows or dimension are out of range
   */
  public VectorDataset {
    if (rows < MIN_ROWS || rows > MAX_ROWS) {
      throw new IllegalArgumentException("rows must be in [" + MIN_ROWS + ", " + MAX_ROWS
          + "], got " + rows + "; the default is " + DEFAULT_ROWS);
    }
    if (dimension < MIN_DIMENSION || dimension > MAX_DIMENSION) {
      throw new IllegalArgumentException("dimension must be in [" + MIN_DIMENSION + ", "
          + MAX_DIMENSION + "], got " + dimension + "; the default is " + DEFAULT_DIMENSION);
    }
  }

  /** Returns the data set with the defaults: 20,000 rows of dimension 64, seed 42. */
  public static VectorDataset withDefaults() {
    return new VectorDataset(DEFAULT_ROWS, DEFAULT_DIMENSION, DEFAULT_SEED);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Returns {@code rows=<rows>,dim=<dimension>,seed=<seed>}. */
  @Override
  public String parameters() {
    return "rows=" + rows + ",dim=" + dimension + ",seed=" + seed;
  }

  @Override
  public List<String> tableNames() {
    return VectorTables.TABLE_NAMES;
  }

  /**
   * Returns query vector {@code i} (0-based): a fresh draw from cluster {@code i mod 32} of the
   * data's distribution, not a stored row.
   */
  public float[] queryVector(int i) {
    return VectorTables.queryVector(this, i);
  }
}
