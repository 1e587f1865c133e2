package dev.learnedcost.calcite.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
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
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * The exact plan's top-k: keeps the k input rows with the smallest (or largest) value of a
 * {@code DOUBLE} distance field, in order, with a bounded heap over primitive doubles.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Why not Calcite's own top-N ({@code EnumerableLimitSort}): its key comparator in 1.42
 *       ({@code Functions.nullsComparator}) compares any two numbers by converting both to
 *       {@code BigDecimal}, and {@code new BigDecimal(double)} expands the binary fraction
 *       exactly: sorting 20,000 distances took about 1.5 s, 50 times the distance computation
 *       itself. Offered by {@link VectorTopKRule} beside the stock sort; costs decide.</li>
 *   <li>Same output and order as the stock plan: the input's rows, nearest first; ties keep
 *       input order. The input (a projection computing the distance) stays a separate node, so
 *       the distance work is profiled and learned as VectorDistance.</li>
 *   <li>Cost: rows k; cpu {@code n * log2(k)} comparisons for n input rows, the formula of
 *       Calcite's {@code EnumerableLimitSort}. Worked example: 20,000 rows, k = 10: cpu
 *       66,439, value {@code 10 + 6,644 = 6,654}.</li>
 * </ul>
 */
public final class VectorTopK extends AbstractRelNode implements EnumerableRel {
  private RelNode input;
  private final int field;
  private final boolean ascending;
  private final int k;

  /**
   * Creates the node; its collation is {@code field} in the given direction.
   *
   * @throws IllegalArgumentException if {@code k < 1} or the field is out of range
   */
  public VectorTopK(RelOptCluster cluster, RelNode input, int field, boolean ascending, int k) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE).replace(
        collation(field, ascending)));
    if (k < 1) {
      throw new IllegalArgumentException("VectorTopK: k must be >= 1, got " + k);
    }
    int n = input.getRowType().getFieldCount();
    if (field < 0 || field >= n) {
      throw new IllegalArgumentException("VectorTopK: field must be in 0.." + (n - 1) + ", got "
          + field);
    }
    this.input = input;
    this.field = field;
    this.ascending = ascending;
    this.k = k;
  }

  private static RelCollation collation(int field, boolean ascending) {
    return RelCollationTraitDef.INSTANCE.canonize(org.apache.calcite.rel.RelCollations.of(
        new RelFieldCollation(field, ascending ? RelFieldCollation.Direction.ASCENDING
            : RelFieldCollation.Direction.DESCENDING)));
  }

  /** Returns k. */
  public int k() {
    return k;
  }

  @Override
  public List<RelNode> getInputs() {
    return List.of(input);
  }

  @Override
  public void replaceInput(int ordinalInParent, RelNode p) {
    if (ordinalInParent != 0) {
      throw new IndexOutOfBoundsException("VectorTopK has one input, got " + ordinalInParent);
    }
    this.input = p;
    recomputeDigest();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new VectorTopK(getCluster(), inputs.get(0), field, ascending, k);
  }

  @Override
  protected RelDataType deriveRowType() {
    return input.getRowType();
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    Double in = mq.getRowCount(input);
    return Math.min(k, in == null ? k : in);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    Double in = mq.getRowCount(input);
    double n = in == null ? k : in;
    double cpu = n * Math.log(Math.max(2, k)) / Math.log(2) / 2;
    return planner.getCostFactory().makeCost(Math.min(k, n), cpu, 0);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .input("input", input)
        .item("field", field)
        .item("dir", ascending ? "ASC" : "DESC")
        .item("k", k);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    return ArrayRowsCall.implement(this, implementor, "rows",
        new Heap(field, ascending, k), Heap.class, Heap.APPLY);
  }

  /** The runtime of {@link VectorTopK}. Not part of the API. */
  public static final class Heap {
    static final java.lang.reflect.Method APPLY = ArrayRowsCall.applyMethod(Heap.class);

    private final int field;
    private final int sign;
    private final int k;

    Heap(int field, boolean ascending, int k) {
      this.field = field;
      this.sign = ascending ? 1 : -1;
      this.k = k;
    }

    /** Returns the best k rows of {@code input}, lazily. */
    public Enumerable<Object[]> apply(Enumerable<Object[]> input) {
      return new AbstractEnumerable<>() {
        @Override
        public Enumerator<Object[]> enumerator() {
          return Linq4j.enumerator(top(input));
        }
      };
    }

    List<Object[]> top(Enumerable<Object[]> input) {
      PriorityQueue<Entry> heap = new PriorityQueue<>(k + 1, (a, b) -> {
        int c = Double.compare(sign * b.key, sign * a.key);
        return c != 0 ? c : Long.compare(b.seq, a.seq);
      });
      long seq = 0;
      try (Enumerator<Object[]> e = input.enumerator()) {
        while (e.moveNext()) {
          Object[] row = e.current();
          double key = ((Number) row[field]).doubleValue();
          if (heap.size() == k) {
            Entry worst = heap.peek();
            if (Double.compare(sign * key, sign * worst.key) >= 0) {
              seq++;
              continue;
            }
          }
          heap.add(new Entry(row, key, seq++));
          if (heap.size() > k) {
            heap.poll();
          }
        }
      }
      Entry[] best = heap.toArray(new Entry[0]);
      Arrays.sort(best, (a, b) -> {
        int c = Double.compare(sign * a.key, sign * b.key);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
      });
      List<Object[]> out = new ArrayList<>(best.length);
      for (Entry en : best) {
        out.add(en.row);
      }
      return out;
    }

    private record Entry(Object[] row, double key, long seq) {}
  }
}
