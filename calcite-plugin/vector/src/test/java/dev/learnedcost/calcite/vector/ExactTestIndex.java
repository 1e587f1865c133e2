package dev.learnedcost.calcite.vector;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A brute-force {@link VectorIndex} for plan tests: it returns the true nearest rows, so a test
 * can tell the plan machinery (streaming, filter, rerank) from approximation error. The real,
 * library-backed indexes live in example-queries.
 */
final class ExactTestIndex implements VectorIndex {
  private final Kind kind;
  private final VectorMetric metric;
  private final float[][] vectors;
  int searches;

  ExactTestIndex(Kind kind, VectorMetric metric, float[][] vectors) {
    this.kind = kind;
    this.metric = metric;
    this.vectors = vectors;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public VectorMetric metric() {
    return metric;
  }

  @Override
  public int dimension() {
    return vectors[0].length;
  }

  @Override
  public int size() {
    return vectors.length;
  }

  @Override
  public synchronized int[] search(float[] query, int n) {
    VectorIndex.checkSearch(this, query, n);
    searches++;
    int sign = metric.ascending() ? 1 : -1;
    return IntStream.range(0, vectors.length).boxed()
        .sorted(Comparator.comparingDouble(i -> sign * metric.apply(vectors[i], query)))
        .limit(n).mapToInt(Integer::intValue).toArray();
  }

  @Override
  public double distanceEvaluations(int n) {
    return Math.log(vectors.length) * 16 * Math.max(n, 10);
  }

  @Override
  public String describe() {
    return "exact-test-" + kind + "(" + metric + ", " + vectors.length + " rows)";
  }
}
