package dev.learnedcost.calcite.vector;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * Offers {@link VectorTopK} for the exact plan of a nearest-neighbour query:
 * {@code LogicalSort(fetch k, one key) <- LogicalProject} where the key is a non-null
 * {@code DOUBLE} that the projection computes with a distance function becomes
 * {@code VectorTopK(k) <- the projection}. Calcite's own sort stays an alternative; costs
 * decide. Registered with {@link VectorIndexRule} by {@link VectorTableScan}.
 */
public final class VectorTopKRule extends RelRule<VectorTopKRule.Config> {
  /** The rule. */
  public static final VectorTopKRule INSTANCE = Config.DEFAULT.toRule();

  private VectorTopKRule(Config config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalSort sort = call.rel(0);
    LogicalProject project = call.rel(1);
    if (sort.offset != null || !(sort.fetch instanceof RexLiteral fetch)) {
      return;
    }
    Integer k = fetch.getValueAs(Integer.class);
    List<RelFieldCollation> keys = sort.getCollation().getFieldCollations();
    if (k == null || k < 1 || keys.size() != 1) {
      return;
    }
    RelFieldCollation key = keys.get(0);
    RexNode expr = project.getProjects().get(key.getFieldIndex());
    if (!VectorScopeMapping.isDistance(expr) || expr.getType().isNullable()
        || expr.getType().getSqlTypeName() != SqlTypeName.DOUBLE) {
      return;
    }
    boolean ascending = key.getDirection() == RelFieldCollation.Direction.ASCENDING;
    if (!ascending && key.getDirection() != RelFieldCollation.Direction.DESCENDING) {
      return;
    }
    RelNode input = convert(project,
        project.getTraitSet().replace(EnumerableConvention.INSTANCE));
    call.transformTo(new VectorTopK(sort.getCluster(), input, key.getFieldIndex(), ascending,
        k));
  }

  /**
   * The rule's configuration.
   *
   * @param operandSupplier the operands
   * @param description the rule's description
   * @param relBuilderFactory unused by the rule, kept for the interface
   */
  public record Config(OperandTransform operandSupplier, String description,
      RelBuilderFactory relBuilderFactory) implements RelRule.Config {
    /** The default: {@code LogicalSort <- LogicalProject}. */
    public static final Config DEFAULT = new Config(b0 -> b0.operand(LogicalSort.class)
        .oneInput(b1 -> b1.operand(LogicalProject.class).anyInputs()),
        "VectorTopKRule", RelFactories.LOGICAL_BUILDER);

    @Override
    public VectorTopKRule toRule() {
      return new VectorTopKRule(this);
    }

    @Override
    public Config withRelBuilderFactory(RelBuilderFactory factory) {
      return new Config(operandSupplier, description, factory);
    }

    @Override
    public Config withDescription(String newDescription) {
      return new Config(operandSupplier, newDescription, relBuilderFactory);
    }

    @Override
    public Config withOperandSupplier(OperandTransform transform) {
      return new Config(transform, description, relBuilderFactory);
    }
  }
}
