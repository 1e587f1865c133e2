package dev.learnedcost.calcite.internal.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.PlanChoice;
import dev.learnedcost.calcite.QueryHistory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RegressionGuardTest {
  private static final String FP = "00000000000000aa";
  private static final String SHAPE = "SELECT ? FROM T";
  private static final long STOCK_PLAN = 11;
  private static final long LEARNED_PLAN = 22;

  private final double[] state = {1.0, 2.0};
  private final Supplier<double[]> model = () -> state.clone();

  @Test
  void firstExecutions_runStockForTheBaseline_thenLearned() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_BASELINE);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 40, model); // cold
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_BASELINE);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    QueryHistory h = g.history(FP).orElseThrow();
    assertThat(h.stockRuns()).isEqualTo(2);
    assertThat(h.stockMedianMs()).isEqualTo(10);
    assertThat(h.planned()).isEqualTo(3);
    // The cold first run stays out of the window: 3 learned runs of 15 ms (1.5x the warm 10 ms,
    // under half the cold 40 ms) are a regression.
    for (int i = 0; i < 2; i++) {
      assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 15, model)).isFalse();
    }
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 15, model)).isTrue();
  }

  @Test
  void slowerLearnedPlan_isGuardedAfterTheWindow_andRetriedOnlyAfterAMaterialChange() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.choose(FP, SHAPE, model);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 30, model)).isFalse();
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 8, model)).isFalse();
    // Median of 30, 8, 13 is 13 > 1.2 * 10: the third run closes the window and trips the guard.
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 13, model)).isTrue();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
    assertThat(g.fallbacks()).isEqualTo(1);
    assertThat(g.guardedCount()).isEqualTo(1);
    state[0] = 1.1; // |(0.1, 0)| / |(1, 2)| = 4.5%: not material
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
    state[0] = 2.0; // 45%: material
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    assertThat(g.retries()).isEqualTo(1);
    assertThat(g.history(FP).orElseThrow().guarded()).isFalse();
  }

  @Test
  void learnedPlanWithinThreshold_staysLearned() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    for (int i = 0; i < 10; i++) {
      assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 11.9, model)).isFalse();
    }
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
  }

  @Test
  void learnedPlanIdenticalToStock_refreshesTheBaseline_andIsNeverARegression() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    for (int i = 0; i < 5; i++) {
      assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, STOCK_PLAN, 50, model)).isFalse();
    }
    QueryHistory h = g.history(FP).orElseThrow();
    assertThat(h.stockRuns()).isEqualTo(6);
    assertThat(h.planChanged()).isFalse();
    assertThat(h.guarded()).isFalse();
  }

  @Test
  void aNewLearnedPlan_startsANewWindow() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 40, model);
    g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 40, model);
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, 33, 40, model)).isFalse();
    assertThat(g.history(FP).orElseThrow().learnedMedianMs()).isEqualTo(40);
  }

  @Test
  void oneSevereRun_fallsBackAtOnce_withoutWaitingForTheWindow() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 49, model)).isFalse();
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 51, model)).isTrue();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
  }

  @Test
  void parameterizedInstances_compareDistributions_notTheLightestStockRun() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    // Instances of one shape: cold first run, then stock runs of a light, a middle and a heavy
    // instance.
    for (double ms : new double[] {200, 20, 60, 100}) {
      g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, ms, model);
    }
    // 120 ms is 6x the lightest stock run but not 5x the slowest: no fallback at once.
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 120, model)).isFalse();
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 30, model)).isFalse();
    // Learned median 70 against the stock median 60: within 1.2x.
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 70, model)).isFalse();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    // Beyond 5x the slowest stock run it still falls back at once.
    assertThat(g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 501, model)).isTrue();
  }

  /** Plans {@code runs} learned executions of {@code ms} each; returns the last record's result. */
  private boolean learnedRuns(RegressionGuard g, int runs, double ms) {
    boolean fellBack = false;
    for (int i = 0; i < runs; i++) {
      assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
      fellBack = g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, ms, model);
    }
    return fellBack;
  }

  /** Two baseline runs of stock: a cold one and a warm one of {@code ms}. */
  private void baseline(RegressionGuard g, double ms) {
    for (double v : new double[] {ms * 4, ms}) {
      assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_BASELINE);
      g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, v, model);
    }
  }

  @Test
  void staleStockBaseline_isReMeasuredBeforeAFallback_andAFasterLearnedPlanStays() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    baseline(g, 280);
    // Many learned runs at 250 ms; then the data grows and they take 400 ms: 1.4x the stock
    // median of 280 ms measured before the growth.
    assertThat(learnedRuns(g, RegressionGuard.STALE_AFTER, 250)).isFalse();
    assertThat(learnedRuns(g, 2, 400)).isFalse(); // the window: 250, 400, 400
    // Not a fallback yet: the baseline is stale, so stock runs again.
    for (int i = 0; i < RegressionGuard.VERIFY_RUNS; i++) {
      assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_EXPLORE);
      assertThat(g.record(FP, SHAPE, PlanChoice.STOCK_EXPLORE, STOCK_PLAN, 1000, model))
          .isFalse();
    }
    // On the grown data stock takes 1,000 ms: the learned plan stays.
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    assertThat(g.fallbacks()).isZero();
    assertThat(g.history(FP).orElseThrow().stockMedianMs()).isEqualTo(1000);
  }

  @Test
  void staleStockBaseline_reMeasuredStillFaster_fallsBack() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    baseline(g, 280);
    learnedRuns(g, RegressionGuard.STALE_AFTER, 250);
    assertThat(learnedRuns(g, 2, 400)).isFalse(); // the window: 250, 400, 400
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_EXPLORE);
    assertThat(g.record(FP, SHAPE, PlanChoice.STOCK_EXPLORE, STOCK_PLAN, 300, model)).isFalse();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_EXPLORE);
    // Re-measured stock median 300 ms: 400 is beyond 1.2x, so the second run decides the
    // fallback.
    assertThat(g.record(FP, SHAPE, PlanChoice.STOCK_EXPLORE, STOCK_PLAN, 300, model)).isTrue();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
    assertThat(g.fallbacks()).isEqualTo(1);
  }

  @Test
  void freshStockBaseline_fallsBackWithoutReMeasuring() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    baseline(g, 280);
    assertThat(learnedRuns(g, 2, 400)).isFalse();
    assertThat(learnedRuns(g, 1, 400)).isTrue();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
  }

  @Test
  void slowLearnedPreparation_fallsBackAtOnce_againstTheWarmStockPreparations() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    // No stock preparation yet: nothing to compare with.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 10_000, model)).isFalse();
    // The cold first stock preparation (2 s) stays out; the warm ones are about 150 ms.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.STOCK_BASELINE, 2_000, model)).isFalse();
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.STOCK_BASELINE, 150, model)).isFalse();
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.STOCK_BASELINE, 160, model)).isFalse();
    // Within 5x the median (155 ms): kept.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 700, model)).isFalse();
    // One slow preparation (a new plan's code compiled once): kept; the next is fast again.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 900, model)).isFalse();
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 160, model)).isFalse();
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 900, model)).isFalse();
    assertThat(g.fallbacks()).isZero();
    // Then a learned preparation that ran 30 s into a timeout: the second slow one in a row.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 30_000, model)).isTrue();
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
    assertThat(g.fallbacks()).isEqualTo(1);
    // Guarded preparations are stock ones and count as baseline.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.STOCK_GUARDED, 140, model)).isFalse();
  }

  @Test
  void fastPreparations_areComparedAgainstAFloor_notTheirNoise() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    for (double ms : new double[] {50, 1, 2}) {
      g.recordPreparation(FP, SHAPE, PlanChoice.STOCK_BASELINE, ms, model);
    }
    // 50x a 1.5 ms median, but under 5x the 20 ms floor.
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 75, model)).isFalse();
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED, 99, model)).isFalse();
    assertThat(g.fallbacks()).isZero();
    for (int i = 1; i < RegressionGuard.SLOW_PREPARATIONS; i++) {
      assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED,
          5 * RegressionGuard.MIN_PREPARATION_MS + 1, model)).isFalse();
    }
    assertThat(g.recordPreparation(FP, SHAPE, PlanChoice.LEARNED,
        5 * RegressionGuard.MIN_PREPARATION_MS + 1, model)).isTrue();
  }

  @Test
  void unfinishedLearnedRun_countsOnlyWhenAlreadySevere() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    // Closed early after 20 ms: a lower bound that says nothing.
    assertThat(g.recordIncomplete(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 20, model))
        .isFalse();
    assertThat(g.history(FP).orElseThrow().learnedRuns()).isZero();
    // Cancelled at a 30 s timeout: at least 3000x the stock plan.
    assertThat(g.recordIncomplete(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 30_000, model))
        .isTrue();
    QueryHistory h = g.history(FP).orElseThrow();
    assertThat(h.guarded()).isTrue();
    assertThat(h.lastLearnedMs()).isEqualTo(30_000);
    // A stock run never trips the guard, finished or not.
    RegressionGuard other = new RegressionGuard(GuardOptions.DEFAULTS);
    other.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    assertThat(other.recordIncomplete(FP, SHAPE, PlanChoice.STOCK_GUARDED, STOCK_PLAN, 30_000,
        model)).isFalse();
  }

  @Test
  void exploration_runsStockEveryNth() {
    RegressionGuard g = new RegressionGuard(
        GuardOptions.DEFAULTS.withBaselineRuns(1).withExploreEvery(3));
    g.choose(FP, SHAPE, model);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_EXPLORE);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
  }

  @Test
  void disabledGuard_alwaysPlansLearned_butKeepsTheHistory() {
    RegressionGuard g = new RegressionGuard(GuardOptions.OFF);
    assertThat(g.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.LEARNED);
    g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 5, model);
    assertThat(g.history()).hasSize(1);
  }

  @Test
  void history_roundTripsThroughItsBinaryForm() throws Exception {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.choose(FP, SHAPE, model);
    g.record(FP, SHAPE, PlanChoice.STOCK_BASELINE, STOCK_PLAN, 10, model);
    for (int i = 0; i < 3; i++) {
      g.record(FP, SHAPE, PlanChoice.LEARNED, LEARNED_PLAN, 40, model);
    }
    g.recordPreparation("00000000000000bb", SHAPE, PlanChoice.STOCK_BASELINE, 900, model);
    g.recordPreparation("00000000000000bb", SHAPE, PlanChoice.STOCK_BASELINE, 100, model);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GuardCodec.write(g, new DataOutputStream(bytes));
    RegressionGuard back = GuardCodec.read(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
        GuardOptions.DEFAULTS, GuardCodec.VERSION);
    assertThat(back.history()).isEqualTo(g.history());
    assertThat(back.choose(FP, SHAPE, model)).isEqualTo(PlanChoice.STOCK_GUARDED);
    // The preparation baseline came back too: 100 ms, so two of 600 ms fall back.
    assertThat(back.recordPreparation("00000000000000bb", SHAPE, PlanChoice.LEARNED, 600, model))
        .isFalse();
    assertThat(back.recordPreparation("00000000000000bb", SHAPE, PlanChoice.LEARNED, 600, model))
        .isTrue();
  }

  @Test
  void badArguments_areRejectedByName() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    assertThatThrownBy(() -> g.record(FP, SHAPE, PlanChoice.LEARNED, 1, Double.NaN, model))
        .hasMessage("ms must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> GuardOptions.DEFAULTS.withThreshold(1.0))
        .hasMessage("guardThreshold must be finite and > 1, got 1.0");
    assertThatThrownBy(() -> GuardOptions.DEFAULTS.withWindow(0))
        .hasMessage("guardWindow must be in 1..64, got 0");
    assertThatThrownBy(() -> GuardOptions.DEFAULTS.withExploreEvery(-1))
        .hasMessage("guardExploreEvery must be >= 0, got -1");
    assertThatThrownBy(() -> GuardOptions.DEFAULTS.withBaselineRuns(4))
        .hasMessage("guardBaselineRuns must be in 0..guardWindow (3), got 4");
    assertThatThrownBy(() -> GuardOptions.DEFAULTS.withSevereFactor(1.1))
        .hasMessage("guardSevereFactor must be finite and >= guardThreshold (1.2), got 1.1");
  }
}
