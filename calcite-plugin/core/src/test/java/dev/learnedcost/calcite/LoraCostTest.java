package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.calcite.internal.LoraCost;
import dev.learnedcost.calcite.internal.LoraCostFactory;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.junit.jupiter.api.Test;

class LoraCostTest {
  private static final double EPS = 1e-9;
  private final LoraCostFactory f = LoraCostFactory.INSTANCE;

  @Test
  void value_workedExample_scanPlusFilter() {
    RelOptCost scan = f.makeCost(1000, 1001, 0);
    RelOptCost filter = f.makeCost(150, 1000, 0);

    assertThat(((LoraCost) scan).value()).isCloseTo(1100.1, within(EPS));
    assertThat(((LoraCost) filter).value()).isCloseTo(250.0, within(EPS));
    assertThat(((LoraCost) scan.plus(filter)).value()).isCloseTo(1350.1, within(EPS));
  }

  @Test
  void isLt_weighsCpuAndIo_notRowsOnly() {
    RelOptCost fewerRowsMoreCpu = f.makeCost(90, 200, 0); // 90 + 20 = 110
    RelOptCost moreRows = f.makeCost(100, 0, 0); // 100
    RelOptCost io = f.makeCost(50, 0, 60); // 110

    assertThat(moreRows.isLt(fewerRowsMoreCpu)).isTrue();
    assertThat(fewerRowsMoreCpu.isLt(moreRows)).isFalse();
    assertThat(io.isEqWithEpsilon(fewerRowsMoreCpu)).isTrue();
    assertThat(io.isLe(fewerRowsMoreCpu)).isTrue();
    assertThat(io.equals(fewerRowsMoreCpu)).isFalse();
  }

  @Test
  void multiplyBy_scalesEveryComponent() {
    RelOptCost c = f.makeCost(2100, 10, 1).multiplyBy(50);

    assertThat(c.getRows()).isEqualTo(105000.0);
    assertThat(c.getCpu()).isEqualTo(500.0);
    assertThat(c.getIo()).isEqualTo(50.0);
    assertThat(c.divideBy(f.makeCost(2100, 10, 1))).isCloseTo(50.0, within(EPS));
  }

  @Test
  void infinity_isAbsorbingAndLargest() {
    RelOptCost inf = f.makeInfiniteCost();

    assertThat(inf.isInfinite()).isTrue();
    assertThat(inf.plus(f.makeTinyCost())).isSameAs(inf);
    assertThat(f.makeHugeCost().isLt(inf)).isTrue();
    assertThat(f.makeHugeCost().isInfinite()).isFalse();
    assertThat(f.makeZeroCost().isLt(f.makeTinyCost())).isTrue();
    assertThat(inf.toString()).isEqualTo("{inf}");
  }

  @Test
  void compare_withVolcanoCost_throwsNamingBothTypes() {
    RelOptCost volcano = new VolcanoPlanner().getCostFactory().makeCost(1, 1, 1);

    assertThatThrownBy(() -> f.makeCost(1, 1, 1).isLt(volcano))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cost must be a LoraCost, got org.apache.calcite.plan.volcano.VolcanoCost")
        .hasMessageEndingWith("make LoraCostFactory the planner's cost factory (LoraRuntime.configure does)");
  }

  @Test
  void toString_isReadable() {
    assertThat(f.makeCost(10, 20, 0).toString())
        .isEqualTo("{10.0 rows, 20.0 cpu, 0.0 io = 12.0}");
  }
}
