package dev.learnedcost.calcite.vector;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableFilter;
import org.apache.calcite.adapter.enumerable.EnumerableProject;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilderFactory;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Offers index plans for nearest-neighbour queries: {@code ORDER BY <distance>(col, <constant
 * vector>) FETCH FIRST k ROWS ONLY} over a {@link VectorTable} column with a
 * {@link VectorIndex} of the same metric, optionally with a filter, becomes
 *
 * <pre>
 * EnumerableProject(the query's columns; the distance read from Rerank)
 *   Rerank(k, candidates = k * oversampling)
 *     [EnumerableFilter(condition)]
 *       HnswScan | IvfFlatScan(candidates)
 * </pre>
 *
 * one alternative per index. The exact plan (scan, distance, sort, limit) stays in the plan space
 * and costs decide. Matches {@code LogicalSort(fetch) <- LogicalProject <- [LogicalFilter <-]
 * VectorTableScan} where the sort has a single key that is a distance call of the projection,
 * in the metric's direction ({@code ASC} for distances, {@code DESC} for
 * {@code INNER_PRODUCT}), and no offset. A query vector of another dimension than the column
 * gets no index plan: the exact plan then fails with the function's message.
 *
 * <p>Candidates: the reranker pulls {@code k * oversampling} rows (4 by default: with exact
 * re-ranking, recall@10 of the demo's indexes at 40 candidates is above 0.95). The scan's
 * estimated rows divide that by the filter's estimated selectivity
 * ({@code rows(filter) / rows(scan)}), which the learned row-count correction refines.
 */
public final class VectorIndexRule extends RelRule<VectorIndexRule.Config> {

  /** The rule for plans without a filter. */
  public static final VectorIndexRule PLAIN = Config.plain().toRule();
  /** The rule for plans with a filter between the projection and the scan. */
  public static final VectorIndexRule FILTERED = Config.filtered().toRule();

  private VectorIndexRule(Config config) {
    super(config);
  }

  /**
   * Adds both default rules and {@link VectorTopKRule} to {@code planner} (a no-op when they
   * are already there).
   */
  public static void registerAll(RelOptPlanner planner) {
    planner.addRule(PLAIN);
    planner.addRule(FILTERED);
    planner.addRule(VectorTopKRule.INSTANCE);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSort sort = call.rel(0);
    LogicalProject project = call.rel(1);
    LogicalFilter filter = config.withFilter() ? call.rel(2) : null;
    VectorTableScan scan = call.rel(config.withFilter() ? 3 : 2);
    if (sort.offset != null || !(sort.fetch instanceof RexLiteral fetch)) {
      return;
    }
    Integer kValue = fetch.getValueAs(Integer.class);
    if (kValue == null || kValue < 1) {
      return; // FETCH FIRST 0 ROWS: no rows; the stock plan is exact and free.
    }
    int k = kValue;
    List<RelFieldCollation> keys = sort.getCollation().getFieldCollations();
    if (keys.size() != 1) {
      return;
    }
    RelFieldCollation key = keys.get(0);
    RexNode distance = project.getProjects().get(key.getFieldIndex());
    if (!(distance instanceof RexCall dcall) || dcall.getOperands().size() != 2) {
      return;
    }
    VectorMetric metric = VectorMetric.ofSqlName(dcall.getOperator().getName());
    if (metric == null
        || metric.ascending() != (key.getDirection() == RelFieldCollation.Direction.ASCENDING)) {
      return;
    }
    int column = -1;
    float[] query = null;
    for (int i = 0; i < 2 && query == null; i++) {
      RexNode a = dcall.getOperands().get(i);
      RexNode b = dcall.getOperands().get(1 - i);
      if (a instanceof RexInputRef ref) {
        column = ref.getIndex();
        query = constantVector(b);
      }
    }
    VectorTable table = scan.vectorTable();
    if (query == null || !table.columns().get(column).isVector()
        || table.columns().get(column).dimension() != query.length) {
      return;
    }
    RelOptCluster cluster = sort.getCluster();
    RelMetadataQuery mq = call.getMetadataQuery();
    double selectivity = 1;
    if (filter != null) {
      Double filtered = mq.getRowCount(filter);
      Double all = mq.getRowCount(scan);
      if (filtered != null && all != null && all > 0) {
        selectivity = Math.max(1e-9, Math.min(1, filtered / all));
      }
    }
    int candidates = (int) Math.min(table.rowCount(), (long) k * config.oversampling());
    if (candidates < k) {
      return; // fewer rows than k: the exact plan returns them all
    }
    double expectedRows = Math.min(table.rowCount(), Math.ceil(candidates / selectivity));
    RelTraitSet enumerable = cluster.traitSetOf(EnumerableConvention.INSTANCE);
    for (VectorIndex index : table.indexes(column)) {
      if (index.metric() != metric) {
        continue;
      }
      RelNode in = VectorIndexScan.create(cluster, enumerable, scan.getTable(), index, query,
          candidates, expectedRows);
      if (filter != null) {
        in = EnumerableFilter.create(in, filter.getCondition());
      }
      int distanceField = in.getRowType().getFieldCount();
      Rerank rerank = new Rerank(cluster,
          enumerable.replace(RelCollations.of(new RelFieldCollation(distanceField,
              key.getDirection(), key.nullDirection))),
          in, column, metric, query, k, candidates);
      RexBuilder rex = cluster.getRexBuilder();
      RexNode ref = rex.ensureType(distance.getType(),
          RexInputRef.of(distanceField, rerank.getRowType()), true);
      List<RexNode> projects = new ArrayList<>();
      for (RexNode e : project.getProjects()) {
        projects.add(e.equals(distance) ? ref : e);
      }
      call.transformTo(new EnumerableProject(cluster, enumerable.replace(sort.getCollation()),
          rerank, projects, project.getRowType()));
    }
  }

  /** Returns the floats of an {@code ARRAY[...]} of numeric literals, or null. */
  static float @Nullable [] constantVector(RexNode node) {
    if (!(node instanceof RexCall call) || call.getKind() != SqlKind.ARRAY_VALUE_CONSTRUCTOR
        || call.getOperands().isEmpty()) {
      return null;
    }
    float[] v = new float[call.getOperands().size()];
    for (int i = 0; i < v.length; i++) {
      RexNode op = call.getOperands().get(i);
      while (op.getKind() == SqlKind.CAST && op instanceof RexCall cast) {
        op = cast.getOperands().get(0);
      }
      if (!(op instanceof RexLiteral lit)) {
        return null;
      }
      Double d = lit.getValueAs(Double.class);
      if (d == null || !Double.isFinite(d)) {
        return null;
      }
      v[i] = d.floatValue();
    }
    return v;
  }

  /**
   * The rule's configuration.
   *
   * @param operandSupplier the operands
   * @param description the rule's description (its identity in the planner)
   * @param relBuilderFactory unused by the rule, kept for the interface
   * @param withFilter whether the operands include a filter
   * @param oversampling candidates per result row, at least 1
   */
  public record Config(OperandTransform operandSupplier, String description,
      RelBuilderFactory relBuilderFactory, boolean withFilter, int oversampling)
      implements RelRule.Config {
    /** Validates the oversampling factor. */
    public Config {
      if (oversampling < 1) {
        throw new IllegalArgumentException("oversampling must be >= 1, got " + oversampling);
      }
    }

    /** The default oversampling factor. */
    public static final int DEFAULT_OVERSAMPLING = 4;

    /** The configuration of {@link #PLAIN}. */
    public static Config plain() {
      return new Config(b0 -> b0.operand(LogicalSort.class).oneInput(b1 ->
          b1.operand(LogicalProject.class).oneInput(b2 ->
              b2.operand(VectorTableScan.class).noInputs())),
          "VectorIndexRule", RelFactories.LOGICAL_BUILDER, false, DEFAULT_OVERSAMPLING);
    }

    /** The configuration of {@link #FILTERED}. */
    public static Config filtered() {
      return new Config(b0 -> b0.operand(LogicalSort.class).oneInput(b1 ->
          b1.operand(LogicalProject.class).oneInput(b2 ->
              b2.operand(LogicalFilter.class).oneInput(b3 ->
                  b3.operand(VectorTableScan.class).noInputs()))),
          "VectorIndexRule:filtered", RelFactories.LOGICAL_BUILDER, true, DEFAULT_OVERSAMPLING);
    }

    /** Returns this configuration with another oversampling factor. */
    public Config withOversampling(int factor) {
      return new Config(operandSupplier, description + ":x" + factor, relBuilderFactory,
          withFilter, factor);
    }

    @Override
    public VectorIndexRule toRule() {
      return new VectorIndexRule(this);
    }

    @Override
    public Config withRelBuilderFactory(RelBuilderFactory factory) {
      return new Config(operandSupplier, description, factory, withFilter, oversampling);
    }

    @Override
    public Config withDescription(String newDescription) {
      return new Config(operandSupplier, newDescription, relBuilderFactory, withFilter,
          oversampling);
    }

    @Override
    public Config withOperandSupplier(OperandTransform transform) {
      return new Config(transform, description, relBuilderFactory, withFilter, oversampling);
    }
  }
}
