package dev.learnedcost.calcite.internal.profile;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.function.Function0;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;

/**
 * A transparent node inserted above every Enumerable node of an optimized plan: it passes rows
 * through unchanged and counts them and their time into a {@link PlanProfile}. The child's code
 * is wrapped in a {@code Function0} so that it runs inside the timed region (see
 * {@link ProfilingRuntime}); building it eagerly would charge an aggregate's work to its parent.
 */
public final class ProfilingRel extends SingleRel implements EnumerableRel {
  private static final Method WRAP;

  static {
    try {
      WRAP = ProfilingRuntime.class.getMethod("wrap", PlanProfile.class, int.class, Function0.class);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PlanProfile profile;
  private final int nodeIndex;

  ProfilingRel(RelOptCluster cluster, RelTraitSet traits, RelNode input, PlanProfile profile,
      int nodeIndex) {
    super(cluster, traits, input);
    this.profile = profile;
    this.nodeIndex = nodeIndex;
  }

  /** Returns the index of the wrapped node in its profile. */
  public int nodeIndex() {
    return nodeIndex;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new ProfilingRel(getCluster(), traitSet, sole(inputs), profile, nodeIndex);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("node", nodeIndex);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    Result child = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
    Expression profileRef = implementor.stash(profile, PlanProfile.class);
    BlockBuilder builder = new BlockBuilder();
    builder.add(
        Expressions.return_(null,
            Expressions.call(WRAP, profileRef, Expressions.constant(nodeIndex),
                Expressions.lambda(Function0.class, child.block))));
    return implementor.result(child.physType, builder.toBlock());
  }
}
