package dev.learnedcost.calcite.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Exact re-ranking of index candidates: pulls at most {@link #candidates()} rows from its input,
 * computes the exact distance of each to the query vector and returns the best {@link #k()},
 * nearest first, each row followed by its distance.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Output: the input's fields, then {@code DISTANCE} (DOUBLE). The rule puts a projection
 *       above it that restores the query's columns.</li>
 *   <li>A bounded heap of k rows: O(c log k) time for c candidates, O(k) memory. Ties keep
 *       the row seen first, as a stable sort of the candidates would.</li>
 *   <li>Extends {@link AbstractRelNode} rather than {@code SingleRel} or {@code Sort}: Calcite's
 *       row-count handler gives a {@code SingleRel} its input's rows, and rules written for
 *       {@code Sort} (transposes with projections) would move it over nodes whose columns it
 *       does not know. Its row count is {@code min(k, input rows)}.</li>
 *   <li>Cost: rows k; cpu = input rows times {@code dimension / 8} for the exact distances (the
 *       unit of {@link VectorIndexScan}) plus {@code log2(k)} heap comparisons each. Worked
 *       example: 40 candidates at dimension 64, k = 10: cpu {@code 40 * (8 + 3.3) = 453}, value
 *       {@code 10 + 45.3 = 55.3}.</li>
 * </ul>
 */
public final class Rerank extends AbstractRelNode implements EnumerableRel {
  private RelNode input;
  private final int vectorColumn;
  private final VectorMetric metric;
  private final float[] query;
  private final int k;
  private final int candidates;

  /**
   * Creates a re-ranking node.
   *
   * @throws IllegalArgumentException if {@code k < 1}, {@code candidates < k}, the column is
   *     out of range or the query vector is not finite
   */
  public Rerank(RelOptCluster cluster, RelTraitSet traits, RelNode input, int vectorColumn,
      VectorMetric metric, float[] query, int k, int candidates) {
    super(cluster, traits);
    if (k < 1) {
      throw new IllegalArgumentException("Rerank: k must be >= 1, got " + k);
    }
    if (candidates < k) {
      throw new IllegalArgumentException("Rerank: candidates must be >= k (" + k + "), got "
          + candidates);
    }
    int fields = input.getRowType().getFieldCount();
    if (vectorColumn < 0 || vectorColumn >= fields) {
      throw new IllegalArgumentException("Rerank: vectorColumn must be in 0.." + (fields - 1)
          + ", got " + vectorColumn);
    }
    FloatVector.check(metric.sqlName(), 2, query);
    this.input = input;
    this.vectorColumn = vectorColumn;
    this.metric = metric;
    this.query = query.clone();
    this.k = k;
    this.candidates = candidates;
  }

  /** Returns k. */
  public int k() {
    return k;
  }

  /** Returns the most rows pulled from the input. */
  public int candidates() {
    return candidates;
  }

  /** Returns the metric. */
  public VectorMetric metric() {
    return metric;
  }

  /** Returns the position of the output's distance field. */
  public int distanceField() {
    return input.getRowType().getFieldCount();
  }

  @Override
  public List<RelNode> getInputs() {
    return List.of(input);
  }

  @Override
  public void replaceInput(int ordinalInParent, RelNode p) {
    if (ordinalInParent != 0) {
      throw new IndexOutOfBoundsException("Rerank has one input, got ordinal " + ordinalInParent);
    }
    this.input = p;
    recomputeDigest();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new Rerank(getCluster(), traitSet, inputs.get(0), vectorColumn, metric, query, k,
        candidates);
  }

  @Override
  protected RelDataType deriveRowType() {
    RelDataTypeFactory tf = getCluster().getTypeFactory();
    return tf.builder().addAll(input.getRowType().getFieldList())
        .add("DISTANCE", tf.createSqlType(SqlTypeName.DOUBLE))
        .uniquify()
        .build();
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    Double in = mq.getRowCount(input);
    return Math.min(k, in == null ? k : in);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    Double in = mq.getRowCount(input);
    double pulled = Math.min(candidates, in == null ? candidates : in);
    int dim = query.length;
    double cpu = pulled * (dim / VectorIndexScan.FLOATS_PER_CPU_UNIT
        + Math.log(Math.max(2, k)) / Math.log(2));
    return planner.getCostFactory().makeCost(Math.min(k, pulled), cpu, 0);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .input("input", input)
        .item("metric", metric.sqlName())
        .item("column", vectorColumn)
        .item("k", k)
        .item("candidates", candidates);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    return ArrayRowsCall.implement(this, implementor, "candidates",
        new TopK(vectorColumn, metric, query, k, candidates), TopK.class, TopK.APPLY);
  }

  /** The runtime of {@link Rerank}: what the generated code calls. Not part of the API. */
  public static final class TopK {
    static final java.lang.reflect.Method APPLY = ArrayRowsCall.applyMethod(TopK.class);

    private final int column;
    private final VectorMetric metric;
    private final float[] query;
    private final int k;
    private final int candidates;

    TopK(int column, VectorMetric metric, float[] query, int k, int candidates) {
      if (k < 1) {
        throw new IllegalArgumentException("Rerank: k must be >= 1, got " + k);
      }
      if (candidates < k) {
        throw new IllegalArgumentException("Rerank: candidates must be >= k (" + k + "), got "
            + candidates);
      }
      this.column = column;
      this.metric = metric;
      this.query = query;
      this.k = k;
      this.candidates = candidates;
    }

    /** Returns the best k of the first {@code candidates} input rows, lazily. */
    public Enumerable<Object[]> apply(Enumerable<Object[]> input) {
      return new AbstractEnumerable<>() {
        @Override
        public Enumerator<Object[]> enumerator() {
          return Linq4j.enumerator(top(input));
        }
      };
    }

    List<Object[]> top(Enumerable<Object[]> input) {
      // Heap ordered worst first; seq breaks ties so that earlier rows win.
      int sign = metric.ascending() ? 1 : -1;
      PriorityQueue<Entry> heap = new PriorityQueue<>(k + 1, (a, b) -> {
        int c = Double.compare(sign * b.distance, sign * a.distance);
        return c != 0 ? c : Long.compare(b.seq, a.seq);
      });
      long seq = 0;
      try (Enumerator<Object[]> e = input.enumerator()) {
        while (seq < candidates && e.moveNext()) {
          Object[] row = e.current();
          Object v = row[column];
          float[] vector = FloatVector.toFloats(metric.sqlName(), 1, (List<?>) v);
          double d = metric.checkedApply(vector, query);
          heap.add(new Entry(row, d, seq++));
          if (heap.size() > k) {
            heap.poll();
          }
        }
      }
      Entry[] best = heap.toArray(new Entry[0]);
      Arrays.sort(best, (a, b) -> {
        int c = Double.compare(sign * a.distance, sign * b.distance);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
      });
      List<Object[]> out = new ArrayList<>(best.length);
      for (Entry en : best) {
        Object[] row = Arrays.copyOf(en.row, en.row.length + 1);
        row[en.row.length] = en.distance;
        out.add(row);
      }
      return out;
    }

    private record Entry(Object[] row, double distance, long seq) {}
  }
}
