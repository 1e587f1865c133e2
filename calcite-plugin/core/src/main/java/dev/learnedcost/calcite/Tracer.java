package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.CalciteMetadata;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.LoraCost;
import dev.learnedcost.calcite.internal.TraceCaptures;
import dev.learnedcost.engine.OperatorScope;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.sql.SqlExplainLevel;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Computes the {@link NodeTrace}s of a plan: runs the row-count and cost metadata of every node
 * once through a tracing binding (the handlers record each embedding, base and factor they
 * compute) and reads, per node, the engine's stock estimate, the inputs' estimates and how the
 * base follows them. Explicit: nothing is observed behind the planner's back, and a trace costs
 * the planner nothing when nobody asks for one.
 */
final class Tracer {
  private Tracer() {}

  /** Traces the plan under {@code root}, every node, in pre-order. */
  static PlanTrace trace(RelNode root, Binding planning) {
    return trace(root, planning, null);
  }

  /**
   * Traces the plan under {@code root} with an engine's own metadata queries ({@code engine}),
   * or the runtime's Calcite ones when null.
   */
  static PlanTrace trace(RelNode root, Binding planning, @Nullable EngineMetadata engine) {
    List<RelNode> nodes = new ArrayList<>();
    List<Integer> depths = new ArrayList<>();
    collect(root, 0, nodes, depths);
    int[] d = new int[depths.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = depths.get(i);
    }
    return new PlanTrace(planning.mode(), nodes, traceNodes(nodes, planning, engine), d,
        planHash(root));
  }

  private static void collect(RelNode rel, int depth, List<RelNode> nodes, List<Integer> depths) {
    nodes.add(rel);
    depths.add(depth);
    for (RelNode input : rel.getInputs()) {
      collect(input, depth + 1, nodes, depths);
    }
  }

  /** Traces the given nodes (a plan's, in any order) in one metadata query of Calcite's. */
  static List<NodeTrace> traceNodes(List<RelNode> nodes, Binding planning) {
    return traceNodes(nodes, planning, null);
  }

  /**
   * Traces the given nodes in one metadata query: the runtime's Calcite query carrying a
   * capturing binding, or an engine's query whose handlers record through
   * {@link EngineCorrections} into the captures active on this thread.
   */
  static List<NodeTrace> traceNodes(List<RelNode> nodes, Binding planning,
      @Nullable EngineMetadata engine) {
    TraceCaptures captures = new TraceCaptures();
    try (TraceCaptures.Active ignored = captures.activate()) {
      RelMetadataQuery mq = engine == null
          ? CalciteMetadata.query(captures.bind(planning)) : engine.learnedQuery();
      RelMetadataQuery stock = engine == null
          ? CalciteMetadata.stockQuery() : engine.stockQuery();
      // One pass first: the metadata query caches, so each node's handlers run once, when the
      // node (or its first ancestor) is asked, and each run is captured by node identity.
      for (RelNode rel : nodes) {
        mq.getRowCount(rel);
        mq.getNonCumulativeCost(rel);
      }
      List<NodeTrace> out = new ArrayList<>(nodes.size());
      for (RelNode rel : nodes) {
        out.add(traceNode(rel, mq, stock, captures, planning.model()));
      }
      return out;
    }
  }

  private static NodeTrace traceNode(RelNode rel, RelMetadataQuery mq, RelMetadataQuery stock,
      TraceCaptures captures, LearnedModel model) {
    OperatorScope scope = model.correctedScope(rel);
    float @Nullable [] rowX = captures.rowEmbedding(rel);
    double baseRows;
    double rowFactor;
    if (rowX != null) {
      baseRows = captures.rowBase(rel);
      rowFactor = captures.rowFactor(rel);
    } else {
      baseRows = orNaN(mq.getRowCount(rel));
      rowFactor = 1;
    }
    float @Nullable [] costX = captures.costEmbedding(rel);
    double baseCost;
    double costFactor;
    if (costX != null) {
      baseCost = captures.costBase(rel);
      costFactor = captures.costFactor(rel);
    } else {
      RelOptCost c = mq.getNonCumulativeCost(rel);
      baseCost = c == null || c.isInfinite() ? Double.NaN : LoraCost.valueOf(c);
      costFactor = 1;
    }
    List<RelNode> inputs = rel.getInputs();
    double[] inputRows = new double[inputs.size()];
    for (int k = 0; k < inputRows.length; k++) {
      inputRows[k] = orNaN(mq.getRowCount(inputs.get(k)));
    }
    NodeTrace.Formula formula = NodeTrace.Formula.NONE;
    JoinRelType joinType = null;
    double selectivity = Double.NaN;
    if (rowX != null && inputRows.length > 0 && inputRows[0] > 0) {
      if (rel instanceof Filter
          || rel instanceof Calc c && c.getProgram().getCondition() != null) {
        formula = NodeTrace.Formula.SCALES_WITH_FIRST_INPUT;
      } else if (rel instanceof Join join) {
        joinType = join.getJoinType();
        if (!joinType.projectsRight()) {
          formula = NodeTrace.Formula.SCALES_WITH_FIRST_INPUT;
        } else if (inputRows[0] > 1 && inputRows[1] > 1) {
          // Calcite answers from the maximum row count when an input is estimated at one row
          // or fewer; the formula would not reproduce that.
          Double s = mq.getSelectivity(join, join.getCondition());
          if (s != null && s >= 0 && s <= 1) {
            double atEstimated = NodeTrace.joinRows(joinType, inputRows[0], inputRows[1], s);
            if (Math.abs(atEstimated - baseRows) <= 1e-6 * Math.max(1, baseRows)) {
              formula = NodeTrace.Formula.JOIN;
              selectivity = s;
            }
          }
        }
      }
    }
    return new NodeTrace(rel.getRelTypeName() + "#" + rel.getId(), scope,
        orNaN(stock.getRowCount(rel)), baseRows, rowFactor, rowX, baseCost, costFactor, costX,
        inputRows, formula, joinType, selectivity);
  }

  private static double orNaN(@Nullable Double v) {
    return v == null ? Double.NaN : v;
  }

  /** A hash of the plan's text (attributes, no ids, no costs); never 0. */
  static long planHash(RelNode rel) {
    String text = RelOptUtil.toString(rel, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    long h = 1125899906842597L;
    for (int i = 0; i < text.length(); i++) {
      h = 31 * h + text.charAt(i);
    }
    return h == 0 ? 1 : h;
  }
}
