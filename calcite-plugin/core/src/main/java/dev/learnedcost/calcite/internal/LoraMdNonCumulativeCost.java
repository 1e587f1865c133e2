package dev.learnedcost.calcite.internal;

import java.util.Objects;
import org.apache.calcite.adapter.enumerable.EnumerableProject;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexProgram;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Learned {@code NonCumulativeCost}: the engine's own self cost of the node, multiplied by the
 * cost correction of its scope for the planning's {@link Binding}. Multiplying scales rows, cpu
 * and io alike, so the correction counts under {@link LoraCost}'s weighted comparison, under
 * {@code VolcanoCost}'s rows-only one, and under an engine's own cost class (which it keeps).
 *
 * <p>An {@code EnumerableProject} is priced as the {@code EnumerableCalc} it is executed as:
 * {@code Programs.standard()} rewrites every Enumerable projection into a Calc after the Volcano
 * phase, the learner trains the scope's cost correction on that Calc (against the Calc's base
 * cost), and Calcite charges the two differently ({@code Project}: input rows times the number
 * of projected expressions; {@code Calc}: input rows times every expression of its program,
 * input fields and literals included). A multiplier learned on one base and applied to the
 * other misprices the projection by their ratio: a kNN distance over a 64-dimension literal
 * vector is 2 expressions per row as a Project and 72 as a Calc, so the exact plan of
 * {@code v03} was planned at about a seventh of what its finished plan cost.
 *
 * <p>Public because Janino-generated code calls it.
 */
public class LoraMdNonCumulativeCost
    implements MetadataHandler<BuiltInMetadata.NonCumulativeCost> {
  private final BuiltInMetadata.NonCumulativeCost.Handler base;

  /**
   * Creates the handler.
   *
   * @param base the engine's own self-cost handler, compiled
   *     ({@code JaninoRelMetadataProvider.revise})
   */
  public LoraMdNonCumulativeCost(BuiltInMetadata.NonCumulativeCost.Handler base) {
    this.base = Objects.requireNonNull(base, "base");
  }

  @Override
  public MetadataDef<BuiltInMetadata.NonCumulativeCost> getDef() {
    return BuiltInMetadata.NonCumulativeCost.DEF;
  }

  /** Catch-all: every node's self cost, corrected. */
  public @Nullable RelOptCost getNonCumulativeCost(RelNode rel, RelMetadataQuery mq) {
    Binding binding = Binding.of(mq);
    if (binding == null) {
      return base.getNonCumulativeCost(rel, mq);
    }
    RelOptCost b = rel instanceof EnumerableProject p
        ? asCalc(p, rel.getCluster().getPlanner(), mq)
        : base.getNonCumulativeCost(rel, mq);
    if (b == null || b.isInfinite()) {
      return b;
    }
    double f = binding.model().costFactor(rel, mq, LoraCost.valueOf(b), binding);
    return f == 1.0 ? b : b.multiplyBy(f);
  }

  /**
   * The self cost that {@code Calc.computeSelfCost} gives the {@code EnumerableCalc} that
   * {@code project} becomes ({@code EnumerableProjectToCalcRule} builds its program the same
   * way): rows = the projection's rows (a Calc without a condition keeps its input's rows, see
   * {@link LoraMdRowCount}), cpu = input rows times the program's expression count.
   */
  static RelOptCost asCalc(EnumerableProject project, RelOptPlanner planner,
      RelMetadataQuery mq) {
    RexProgram program = RexProgram.create(project.getInput().getRowType(),
        project.getProjects(), null, project.getRowType(),
        project.getCluster().getRexBuilder());
    Double out = mq.getRowCount(project);
    Double in = mq.getRowCount(project.getInput());
    double rows = out == null ? 0 : out;
    double inputRows = in == null ? 0 : in;
    return planner.getCostFactory().makeCost(rows, inputRows * program.getExprCount(), 0);
  }
}
