package dev.learnedcost.calcite.internal;

import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptCostFactory;

/**
 * Makes {@link LoraCost}s. Give it to the planner ({@code Frameworks.newConfigBuilder()
 * .costFactory(LoraCostFactory.INSTANCE)}, or {@code CalcitePrepareImpl.createPlanner}); every
 * cost in one planner must come from it, because {@link LoraCost} refuses to compare with other
 * cost types.
 */
public final class LoraCostFactory implements RelOptCostFactory {
  /** The factory; it holds no state. */
  public static final LoraCostFactory INSTANCE = new LoraCostFactory();

  private LoraCostFactory() {}

  @Override
  public RelOptCost makeCost(double rows, double cpu, double io) {
    return new LoraCost(rows, cpu, io);
  }

  @Override
  public RelOptCost makeHugeCost() {
    return LoraCost.HUGE;
  }

  @Override
  public RelOptCost makeInfiniteCost() {
    return LoraCost.INFINITY;
  }

  @Override
  public RelOptCost makeTinyCost() {
    return LoraCost.TINY;
  }

  @Override
  public RelOptCost makeZeroCost() {
    return LoraCost.ZERO;
  }
}
