package dev.learnedcost.calcite.vector;

import dev.learnedcost.engine.OperatorScope;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.checkerframework.checker.nullness.qual.Nullable;
import dev.learnedcost.calcite.ScopeMapping;

/**
 * Maps the vector nodes to their scopes, through the {@link ScopeMapping} SPI (listed in
 * {@code META-INF/services}): {@link HnswScan} to HnswScan, {@link IvfFlatScan} to IvfFlatScan,
 * {@link Rerank} to Rerank, {@link VectorTopK} to Sort (a top-N sort), and a {@code Project}, {@code Calc} or {@code Filter} that evaluates
 * {@code COSINE_DISTANCE}, {@code L2_DISTANCE} or {@code INNER_PRODUCT} to VectorDistance (a
 * distance dominates the cost of the node that computes it, so its condition or other
 * expressions do not decide). Every other node: null, the built-in rules decide.
 *
 * <p>Allocation-free: an {@code instanceof} chain and indexed loops over the expressions.
 */
public final class VectorScopeMapping implements ScopeMapping {
  /** Creates the mapping (instantiated by {@link java.util.ServiceLoader}). */
  public VectorScopeMapping() {}

  @Override
  public @Nullable OperatorScope scopeOf(RelNode rel) {
    if (rel instanceof HnswScan) {
      return OperatorScope.HnswScan;
    }
    if (rel instanceof IvfFlatScan) {
      return OperatorScope.IvfFlatScan;
    }
    if (rel instanceof Rerank) {
      return OperatorScope.Rerank;
    }
    if (rel instanceof VectorTopK) {
      return OperatorScope.Sort;
    }
    if (rel instanceof Project p && anyDistance(p.getProjects())) {
      return OperatorScope.VectorDistance;
    }
    if (rel instanceof Calc c && anyDistance(c.getProgram().getExprList())) {
      return OperatorScope.VectorDistance;
    }
    if (rel instanceof Filter f && isDistance(f.getCondition())) {
      return OperatorScope.VectorDistance;
    }
    return null;
  }

  private static boolean anyDistance(List<? extends RexNode> exprs) {
    for (int i = 0; i < exprs.size(); i++) {
      if (isDistance(exprs.get(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code node} calls a distance function anywhere inside. */
  static boolean isDistance(RexNode node) {
    if (!(node instanceof RexCall call)) {
      return false;
    }
    if (VectorMetric.ofSqlName(call.getOperator().getName()) != null) {
      return true;
    }
    return anyDistance(call.getOperands());
  }
}
