package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.ScopeMapping;
import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalTableSourceScan;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalCalcBase;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalGroupAggregateBase;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalHashJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalNestedLoopJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSort;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortMergeJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalTableSourceScan;

/**
 * Flink's batch nodes by class ({@code META-INF/services/dev.learnedcost.calcite.ScopeMapping}):
 * joins by algorithm, hash and sort aggregates (local and global) by group keys, calcs by
 * condition, sort, sort-limit, limit and table source scans. Nodes not named here fall through
 * to the core's name patterns and base classes, which give exchanges and the other
 * pass-through nodes no scope (the module README lists every batch class and its scope).
 *
 * <p>Needed beyond the name patterns because Flink's aggregates are not Calcite
 * {@code Aggregate}s (their group keys are {@code grouping()}), and to pin the classes whose
 * estimates {@link FlinkMdRowCount} corrects.
 */
public final class FlinkScopeMapping implements ScopeMapping {
  @Override
  public OperatorScope scopeOf(RelNode rel) {
    if (rel instanceof BatchPhysicalTableSourceScan || rel instanceof FlinkLogicalTableSourceScan) {
      return OperatorScope.SeqScan;
    }
    if (rel instanceof BatchPhysicalCalcBase calc) {
      return calc.getProgram().getCondition() != null
          ? OperatorScope.Filter
          : OperatorScope.Project;
    }
    if (rel instanceof BatchPhysicalHashJoin) {
      return OperatorScope.HashJoin;
    }
    if (rel instanceof BatchPhysicalSortMergeJoin) {
      return OperatorScope.MergeJoin;
    }
    if (rel instanceof BatchPhysicalNestedLoopJoin) {
      return OperatorScope.NestedLoopJoin;
    }
    if (rel instanceof BatchPhysicalGroupAggregateBase agg) {
      return agg.grouping().length == 0 ? OperatorScope.Aggregate : OperatorScope.GroupBy;
    }
    if (rel instanceof BatchPhysicalSortLimit || rel instanceof BatchPhysicalSort) {
      return OperatorScope.Sort;
    }
    if (rel instanceof BatchPhysicalLimit) {
      return OperatorScope.Limit;
    }
    return null;
  }
}
