package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.ScopeMapping;
import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.planner.plan.nodes.logical.FlinkLogicalTableSourceScan;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalCalcBase;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalGroupAggregateBase;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalHashJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalHashAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalLocalSortAggregate;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalNestedLoopJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalRel;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSort;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortLimit;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalSortMergeJoin;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalTableSourceScan;

/**
 * Flink's batch nodes by class ({@code META-INF/services/dev.learnedcost.calcite.ScopeMapping}):
 * joins by algorithm, global hash and sort aggregates by group keys, calcs by condition, sort,
 * sort-limit, limit and table source scans. Local aggregates have none: their rows are folded
 * into the global aggregate above them ({@link FlinkExecution}), so no execution observes them
 * alone and an adapter shared with the global aggregates would give them corrections learned
 * from other nodes. Every other batch physical node
 * has no scope ({@link #hasNoScope}): its estimates are never corrected (the handlers declare
 * only the classes above), so it must not teach an adapter either; without this, the core's
 * name patterns would give {@code BatchPhysicalDynamicFilteringDataCollector} the Filter scope
 * and {@code BatchPhysicalCorrelate} the NestedLoopJoin scope. Flink's logical nodes fall through
 * to the core's rules (calc, join, aggregate and sort are Calcite's classes there).
 *
 * <p>Flink's aggregates are not Calcite {@code Aggregate}s: {@link #aggregateShape} hands their
 * group keys ({@code grouping()} and {@code auxGrouping()}) and aggregate calls to the cost
 * embedding.
 */
public final class FlinkScopeMapping implements ScopeMapping {
  @Override
  public boolean hasNoScope(RelNode rel) {
    return rel instanceof BatchPhysicalRel && scopeOf(rel) == null;
  }

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
    if (rel instanceof BatchPhysicalLocalHashAggregate
        || rel instanceof BatchPhysicalLocalSortAggregate) {
      return null; // folded into its global aggregate: nothing observes it alone
    }
    if (rel instanceof BatchPhysicalGroupAggregateBase agg) {
      return agg.grouping().length == 0 && agg.auxGrouping().length == 0
          ? OperatorScope.Aggregate
          : OperatorScope.GroupBy;
    }
    if (rel instanceof BatchPhysicalSortLimit || rel instanceof BatchPhysicalSort) {
      return OperatorScope.Sort;
    }
    if (rel instanceof BatchPhysicalLimit) {
      return OperatorScope.Limit;
    }
    return null;
  }

  @Override
  public AggregateShape aggregateShape(RelNode rel) {
    if (!(rel instanceof BatchPhysicalGroupAggregateBase agg)) {
      return null;
    }
    int[] grouping = agg.grouping();
    int[] aux = agg.auxGrouping();
    int[] keys = grouping;
    if (aux.length > 0) {
      // Flink moves the group keys that others determine (o_orderdate beside l_orderkey) to
      // auxGrouping; Calcite's Aggregate counts them as group keys.
      keys = java.util.Arrays.copyOf(grouping, grouping.length + aux.length);
      System.arraycopy(aux, 0, keys, grouping.length, aux.length);
    }
    return new AggregateShape(keys, agg.getAggCallToAggFunction().size());
  }
}
