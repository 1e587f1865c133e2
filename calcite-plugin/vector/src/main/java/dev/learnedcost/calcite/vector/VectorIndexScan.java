package dev.learnedcost.calcite.vector;

import java.util.BitSet;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * An approximate nearest-neighbour scan through a {@link VectorIndex}: returns rows of a
 * {@link VectorTable}, approximately nearest to a constant query vector first. It is always
 * planned under a {@link Rerank}, which computes exact distances and keeps the top k.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Streaming, so that a filter between the scan and {@link Rerank} works: the scan first
 *       asks the index for {@link #candidates()} rows; when its consumer wants more (a filter
 *       dropped rows), it asks again for four times as many and returns only the new ones; once
 *       it would ask for half the table or more, it returns every remaining row in row-id order.
 *       So the scan never loses rows, and a very selective filter turns it into a slower full
 *       scan: the case where the exact plan should win.</li>
 *   <li>Estimated rows: {@link #estimatedRows()}, set by the rule to the rows the reranker is
 *       expected to pull (candidates divided by the estimated selectivity of the filter above,
 *       at most the table).</li>
 *   <li>Cost: rows = estimated rows; cpu = the index's expected distance evaluations for that
 *       many candidates times {@code dimension / 8} (a distance over {@code d} floats does
 *       about {@code d / 8} times the work of the one-comparison predicate that Calcite's
 *       {@code Filter} charges one cpu unit for, measured as 8 fused multiply-adds per simple
 *       comparison in a warm JIT loop); io 0 (in memory). Worked example: HNSW with M=16 on
 *       10,000 rows of dimension 64, 40 candidates: {@code 40 * 16 * log2(10000) / 2 = 4,252}
 *       evaluations, cpu {@code 4,252 * 8 = 34,014}, cost value
 *       {@code 40 + 0.1 * 34,014 = 3,441}, against about 35,000 for scanning, projecting the
 *       distance of and top-k sorting the 10,000 rows.</li>
 * </ul>
 */
public abstract sealed class VectorIndexScan extends AbstractRelNode implements EnumerableRel
    permits HnswScan, IvfFlatScan {
  /** How many floats one cpu unit covers in a distance evaluation. */
  static final double FLOATS_PER_CPU_UNIT = 8;

  private final RelOptTable table;
  private final VectorTable vectorTable;
  private final VectorIndex index;
  private final float[] query;
  private final int candidates;
  private final double estimatedRows;

  VectorIndexScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table,
      VectorIndex index, float[] query, int candidates, double estimatedRows) {
    super(cluster, traits);
    this.table = table;
    this.vectorTable = table.unwrap(VectorTable.class);
    this.index = index;
    this.query = query.clone();
    if (candidates < 1) {
      throw new IllegalArgumentException(getClass().getSimpleName()
          + ": candidates (k * oversampling) must be >= 1, got " + candidates);
    }
    this.candidates = candidates;
    this.estimatedRows = estimatedRows;
    VectorIndex.checkSearch(index, this.query, candidates);
  }

  /** Creates the scan node for {@code index}'s kind. */
  static VectorIndexScan create(RelOptCluster cluster, RelTraitSet traits, RelOptTable table,
      VectorIndex index, float[] query, int candidates, double estimatedRows) {
    return switch (index.kind()) {
      case HNSW -> new HnswScan(cluster, traits, table, index, query, candidates, estimatedRows);
      case IVF_FLAT -> new IvfFlatScan(cluster, traits, table, index, query, candidates,
          estimatedRows);
    };
  }

  /** Returns the index searched. */
  public VectorIndex index() {
    return index;
  }

  /** Returns the first number of candidates asked of the index. */
  public int candidates() {
    return candidates;
  }

  /** Returns the rows the planner expects the consumer to pull. */
  public double estimatedRows() {
    return estimatedRows;
  }

  @Override
  public RelOptTable getTable() {
    return table;
  }

  @Override
  protected RelDataType deriveRowType() {
    return table.getRowType();
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public double estimateRowCount(RelMetadataQuery mq) {
    return estimatedRows;
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = estimatedRows;
    double cpu = index.distanceEvaluations((int) Math.min(Integer.MAX_VALUE, Math.ceil(rows)))
        * index.dimension() / FLOATS_PER_CPU_UNIT;
    return planner.getCostFactory().makeCost(rows, cpu, 0);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw)
        .item("table", table.getQualifiedName())
        .item("index", index.describe())
        .item("candidates", candidates)
        .item("query", "dim " + query.length);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        JavaRowFormat.ARRAY);
    Expression search = implementor.stash(new Search(vectorTable, index, query, candidates),
        Search.class);
    BlockBuilder bb = new BlockBuilder();
    bb.add(Expressions.return_(null, Expressions.call(search, "enumerable")));
    return implementor.result(physType, bb.toBlock());
  }

  /** The runtime of an index scan: what the generated code calls. Not part of the API. */
  public static final class Search {
    private final VectorTable table;
    private final VectorIndex index;
    private final float[] query;
    private final int candidates;

    Search(VectorTable table, VectorIndex index, float[] query, int candidates) {
      this.table = table;
      this.index = index;
      this.query = query;
      this.candidates = candidates;
    }

    /** Returns the rows, approximately nearest first, extending the search on demand. */
    public Enumerable<Object[]> enumerable() {
      return new AbstractEnumerable<>() {
        @Override
        public Enumerator<Object[]> enumerator() {
          return new SearchEnumerator(table, index, query, candidates);
        }
      };
    }
  }

  /** Returns ids from successively wider searches, each id once. */
  static final class SearchEnumerator implements Enumerator<Object[]> {
    private final VectorTable table;
    private final VectorIndex index;
    private final float[] query;
    private final int first;
    private final BitSet returned = new BitSet();
    private int[] batch = new int[0];
    private int pos;
    private int asked;
    private boolean exhaustive;
    private int nextExhaustive;
    private Object[] current;

    SearchEnumerator(VectorTable table, VectorIndex index, float[] query, int first) {
      this.table = table;
      this.index = index;
      this.query = query;
      this.first = first;
    }

    @Override
    public Object[] current() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public boolean moveNext() {
      int size = table.rowCount();
      while (true) {
        if (exhaustive) {
          int id = returned.nextClearBit(nextExhaustive);
          if (id >= size) {
            current = null;
            return false;
          }
          nextExhaustive = id + 1;
          returned.set(id);
          current = table.row(id);
          return true;
        }
        while (pos < batch.length) {
          int id = batch[pos++];
          if (!returned.get(id)) {
            returned.set(id);
            current = table.row(id);
            return true;
          }
        }
        long next = asked == 0 ? first : (long) asked * 4;
        if (asked >= size || next * 2 >= size) {
          exhaustive = true;
          continue;
        }
        asked = (int) next;
        batch = index.search(query, asked);
        pos = 0;
      }
    }

    @Override
    public void reset() {
      returned.clear();
      batch = new int[0];
      pos = 0;
      asked = 0;
      exhaustive = false;
      nextExhaustive = 0;
      current = null;
    }

    @Override
    public void close() {
      current = null;
    }
  }
}
