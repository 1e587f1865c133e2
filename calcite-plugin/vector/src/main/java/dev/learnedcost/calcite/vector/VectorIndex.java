package dev.learnedcost.calcite.vector;

/**
 * An approximate nearest-neighbour index over one vector column of a {@link VectorTable}: the
 * SPI through which library-backed indexes (HNSW graphs, IVF-Flat posting lists) reach the
 * planner. Row ids are positions in the table, {@code 0..size()-1}.
 *
 * <p>Implementations must be safe for concurrent searches.
 */
public interface VectorIndex {
  /** The index family; it decides the plan node and so the learned scope. */
  enum Kind {
    /** A hierarchical navigable small-world graph: planned as {@link HnswScan}. */
    HNSW,
    /** Inverted lists of k-means clusters, scanned flat: planned as {@link IvfFlatScan}. */
    IVF_FLAT
  }

  /** Returns the index family. */
  Kind kind();

  /** Returns the metric the index orders by. */
  VectorMetric metric();

  /** Returns the vector dimension. */
  int dimension();

  /** Returns the number of indexed rows. */
  int size();

  /**
   * Returns up to {@code n} row ids, approximately nearest to {@code query} first.
   *
   * @param query a finite vector of {@link #dimension()} values
   * @param n how many candidates, at least 1
   * @throws IllegalArgumentException if {@code n < 1}, the dimension differs or a value is not
   *     finite
   */
  int[] search(float[] query, int n);

  /**
   * Returns the expected number of distance evaluations of {@code search(query, n)}: the cost
   * model's unit of index work.
   */
  double distanceEvaluations(int n);

  /** Returns a short description with the parameters, e.g. {@code HNSW(M=16, beam=100)}. */
  String describe();

  /**
   * Checks the arguments of {@link #search} against an index; implementations call it first.
   *
   * @throws IllegalArgumentException naming the index, the argument and the value
   */
  static void checkSearch(VectorIndex index, float[] query, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(index.describe() + ": k (candidates) must be >= 1, got "
          + n);
    }
    FloatVector.check(index.describe() + " search", 1, query);
    if (query.length != index.dimension()) {
      throw new IllegalArgumentException(index.describe() + ": query vector dimension must equal"
          + " the column's (" + index.dimension() + "), got " + query.length);
    }
  }
}
