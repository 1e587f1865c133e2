package dev.learnedcost.calcite.vector;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;

/**
 * The exact (sequential) scan of a {@link VectorTable}: every row in row-id order. It is
 * Enumerable from the start, and registering it adds {@link VectorIndexRule} to the planner, so
 * a query that reads a vector table gets the index alternatives with no other setup (the way
 * {@code JdbcTableScan} brings the JDBC rules).
 */
public final class VectorTableScan extends TableScan implements EnumerableRel {
  private final VectorTable vectorTable;

  private VectorTableScan(RelOptCluster cluster, RelTraitSet traits, RelOptTable table,
      VectorTable vectorTable) {
    super(cluster, traits, List.of(), table);
    this.vectorTable = vectorTable;
  }

  /** Creates a scan of {@code table}, which must unwrap to a {@link VectorTable}. */
  public static VectorTableScan create(RelOptCluster cluster, RelOptTable table) {
    VectorTable vt = table.unwrap(VectorTable.class);
    if (vt == null) {
      throw new IllegalArgumentException("table " + table.getQualifiedName()
          + " is not a VectorTable");
    }
    return new VectorTableScan(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), table,
        vt);
  }

  /** Returns the scanned table. */
  public VectorTable vectorTable() {
    return vectorTable;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public org.apache.calcite.plan.RelOptCost computeSelfCost(RelOptPlanner planner,
      org.apache.calcite.rel.metadata.RelMetadataQuery mq) {
    return vectorTable.exactScanPriced()
        ? super.computeSelfCost(planner, mq)
        : planner.getCostFactory().makeHugeCost();
  }

  @Override
  public void register(RelOptPlanner planner) {
    VectorIndexRule.registerAll(planner);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        JavaRowFormat.ARRAY);
    Expression table = implementor.stash(vectorTable, VectorTable.class);
    BlockBuilder bb = new BlockBuilder();
    bb.add(Expressions.return_(null, Expressions.call(table, "rows")));
    return implementor.result(physType, bb.toBlock());
  }
}
