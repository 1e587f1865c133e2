package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The supervised step fits targets that are a linear function of the input on two readout
 * dimensions, but only when A trains too.
 */
class TrainingStepTest {
  private static final long SEED = 20261123L;
  private static final int[] READOUTS = {0, 1};
  private static final int STEPS = 30_000;
  private static final int EVAL_SET = 200;

  /** Synthetic task: target_r = w_r . x for two readouts; readout inputs are zero. */
  private static final class Task {
    final int dim;
    final float[][] w;
    final float[][] evalX;
    final SplittableRandom rnd;

    Task(int dim, long seed) {
      this.dim = dim;
      this.rnd = new SplittableRandom(seed);
      this.w = new float[2][dim];
      for (float[] row : w) {
        for (int i = 2; i < dim; i++) {
          row[i] = (float) (gaussian(rnd) / Math.sqrt(dim));
        }
      }
      this.evalX = new float[EVAL_SET][];
      for (int k = 0; k < EVAL_SET; k++) {
        evalX[k] = sample();
      }
    }

    float[] sample() {
      float[] x = new float[dim];
      for (int i = 2; i < dim; i++) {
        x[i] = (float) gaussian(rnd);
      }
      return x;
    }

    float[] target(float[] x) {
      float[] t = new float[2];
      for (int r = 0; r < 2; r++) {
        double s = 0;
        for (int i = 0; i < dim; i++) {
          s += (double) w[r][i] * x[i];
        }
        t[r] = (float) s;
      }
      return t;
    }

    double mse(MicroLoRA m) {
      double sum = 0;
      for (float[] x : evalX) {
        float[] y = m.forwardArray(x);
        float[] t = target(x);
        for (int r = 0; r < 2; r++) {
          sum += (y[r] - t[r]) * (double) (y[r] - t[r]);
        }
      }
      return sum / (2.0 * evalX.length);
    }
  }

  static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  private static double[] fit(int dim, boolean freezeA) {
    Task task = new Task(dim, SEED + dim);
    MicroLoRA m = new MicroLoRA(dim, 1f, 0.02f);
    double start = task.mse(m);
    LoraPair pair = m.pair();
    float[] a0 = pair.a0.clone();
    float[] a1 = pair.a1.clone();
    for (int step = 0; step < STEPS; step++) {
      float[] x = task.sample();
      m.trainTargets(x, READOUTS, task.target(x));
      if (freezeA) {
        System.arraycopy(a0, 0, pair.a0, 0, dim);
        System.arraycopy(a1, 0, pair.a1, 0, dim);
      }
    }
    return new double[] {start, task.mse(m)};
  }

  @ParameterizedTest(name = "dim={0}")
  @ValueSource(ints = {64, 256})
  void trainTargets_linearTarget_mseFallsBelowOnePercent(int dim) {
    double[] r = fit(dim, false);
    assertThat(r[1])
        .as("MSE after %d steps vs start %.4f (dim %d, seed %d)", STEPS, r[0], dim, SEED + dim)
        .isLessThan(0.01 * r[0]);
  }

  @ParameterizedTest(name = "dim={0}")
  @ValueSource(ints = {64, 256})
  void trainTargets_withAFrozen_cannotFit(int dim) {
    double[] r = fit(dim, true);
    assertThat(r[1])
        .as("B-only MSE after %d steps vs start %.4f (dim %d, seed %d)", STEPS, r[0], dim,
            SEED + dim)
        .isGreaterThan(0.5 * r[0]);
  }

  @Test
  void trainTargets_throughOneScanOperator_improvesAnotherScanOperatorsFirstPrediction() {
    int dim = 32;
    // The category adapter only receives gradient (scaled by 1 - w) during the operator's first
    // 10 adaptations, so the transfer must happen within those steps.
    ScopedLoRA s = new ScopedLoRA(dim, 1f, 1f);
    SplittableRandom rnd = new SplittableRandom(SEED);
    float[] x = new float[dim];
    double norm = 0;
    for (int i = 2; i < dim; i++) {
      x[i] = (float) gaussian(rnd);
      norm += x[i] * x[i];
    }
    for (int i = 2; i < dim; i++) {
      x[i] *= (float) (4 / Math.sqrt(norm));
    }
    float[] target = {1.5f, -0.75f};
    double before = squaredError(s.forwardArray(OperatorScope.IndexScan, x), target);
    for (int step = 0; step < ScopedLoRA.FALLBACK_ADAPTATIONS; step++) {
      s.trainTargets(OperatorScope.SeqScan, x, READOUTS, target);
    }
    assertThat(s.adaptCount(OperatorScope.IndexScan)).isZero();
    double after = squaredError(s.forwardArray(OperatorScope.IndexScan, x), target);
    assertThat(after).as("IndexScan error via the Scan category adapter, before %.4f", before)
        .isLessThan(0.1 * before);
    // A join operator shares no category with the scans and is untouched.
    assertThat(s.forwardArray(OperatorScope.HashJoin, x)).containsExactly(x);
  }

  @Test
  void trainStep_blend_splitsGradientBetweenOperatorAndCategory() {
    int dim = 8;
    ScopedLoRA s = new ScopedLoRA(dim, 1f, 0.1f);
    float[] x = {0, 0, 1, -1, 0.5f, 2, -0.25f, 1};
    float[] g = new float[dim];
    g[0] = 1f;
    // n = 0: w = 0, only the category adapter moves; both counts advance.
    s.trainStep(OperatorScope.HashJoin, x, g);
    assertThat(s.adaptCount(OperatorScope.HashJoin)).isEqualTo(1);
    assertThat(s.operatorPair(OperatorScope.HashJoin.id()).b0).containsOnly(0f);
    assertThat(s.categoryPair(OperatorCategory.Join.id()).adaptCount)
        .isEqualTo(1);
    float[] catB = s.categoryPair(OperatorCategory.Join.id()).b0.clone();
    assertThat(catB[0]).isNotZero();
    // n = 1: w = 0.1, both move.
    s.trainStep(OperatorScope.HashJoin, x, g);
    assertThat(s.operatorPair(OperatorScope.HashJoin.id()).b0[0]).isNotZero();
    assertThat(s.categoryPair(OperatorCategory.Join.id()).b0[0]).isNotEqualTo(catB[0]);
  }

  @Test
  void trainStep_stepNormIsClipped() {
    MicroLoRA m = new MicroLoRA(16, 1f, 10f);
    m.setMaxStepNorm(0.25f);
    float[] x = new float[16];
    Arrays.fill(x, 3f);
    float[] g = new float[16];
    Arrays.fill(g, 100f);
    double norm = m.trainStep(x, g);
    assertThat(norm).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void trainStep_hugeFiniteValues_neverWriteNaN() {
    ScopedLoRA s = new ScopedLoRA(4, 1f, 1f);
    float[] x = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1f};
    float[] g = {Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 0f};
    for (int k = 0; k < 5; k++) {
      s.trainStep(OperatorScope.Filter, x, g);
    }
    for (LoraPair p : new LoraPair[] {s.operatorPair(9), s.categoryPair(3)}) {
      for (float[] v : new float[][] {p.a0, p.a1, p.b0, p.b1}) {
        for (float f : v) {
          assertThat(Float.isFinite(f)).as("weight %s", f).isTrue();
        }
      }
    }
  }

  @Test
  void trainTargets_badArguments_throwAndKeepWeights() {
    MicroLoRA m = new MicroLoRA(4, 1f, 0.1f);
    float[] x = {1, 2, 3, 4};
    float[] b0 = m.pair().b0.clone();
    float[] a0 = m.pair().a0.clone();
    assertThatThrownBy(() -> m.trainTargets(x, new int[] {0, 4}, new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dims[1] must be in 0..3, got 4");
    assertThatThrownBy(() -> m.trainTargets(x, new int[] {1, 1}, new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dims must be distinct, got 1 at 0 and 1");
    assertThatThrownBy(() -> m.trainTargets(x, new int[] {0}, new float[] {Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targets[0] must be finite, got NaN");
    assertThatThrownBy(() -> m.trainTargets(x, new int[] {0}, new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targets length must equal dims length (1), got 2");
    assertThatThrownBy(() -> m.trainStep(new float[] {1, Float.POSITIVE_INFINITY, 0, 0},
        new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("input[1] must be finite, got Infinity");
    assertThatThrownBy(() -> m.setMaxStepNorm(0f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStepNorm must be finite and > 0, got 0.0");
    assertThat(m.pair().b0).containsExactly(b0);
    assertThat(m.pair().a0).containsExactly(a0);
    assertThat(m.adaptCount()).isZero();
  }

  @Test
  void trainTargetsOnRank_onePerReadout_fitsBoth_andCostTrainingNeverMovesTheRowsOutput() {
    int dim = 64;
    Task task = new Task(dim, SEED + 7);
    ScopedLoRA lora = new ScopedLoRA(dim, 1f, 0.02f);
    OperatorScope scope = OperatorScope.HashJoin;
    int[] rows = {0};
    int[] cost = {1};
    for (int step = 0; step < STEPS; step++) {
      float[] x = task.sample();
      float[] t = task.target(x);
      lora.trainTargetsOnRank(scope, x, rows, new float[] {t[0]}, 0);
      lora.trainTargetsOnRank(scope, x, cost, new float[] {t[1]}, 1);
    }
    double[] sq = new double[2];
    double[] base = new double[2];
    for (float[] x : task.evalX) {
      float[] y = lora.forwardArray(scope, x);
      float[] t = task.target(x);
      for (int r = 0; r < 2; r++) {
        sq[r] += (y[r] - t[r]) * (double) (y[r] - t[r]);
        base[r] += t[r] * (double) t[r];
      }
    }
    assertThat(sq[0]).as("rows error vs its start").isLessThan(0.01 * base[0]);
    assertThat(sq[1]).as("cost error vs its start").isLessThan(0.01 * base[1]);

    // Wild cost targets: the rows output of every evaluation input stays bit for bit the same.
    float[][] before = new float[task.evalX.length][];
    for (int k = 0; k < before.length; k++) {
      before[k] = lora.forwardArray(scope, task.evalX[k]);
    }
    SplittableRandom noise = new SplittableRandom(3);
    for (int step = 0; step < 500; step++) {
      lora.trainTargetsOnRank(scope, task.sample(), cost,
          new float[] {(float) (10 * gaussian(noise))}, 1);
    }
    for (int k = 0; k < before.length; k++) {
      assertThat(lora.forwardArray(scope, task.evalX[k])[0]).isEqualTo(before[k][0]);
    }
  }

  @Test
  void trainTargetsOnRank_badRank_isRejectedAndChangesNothing() {
    ScopedLoRA lora = new ScopedLoRA(64, 1f, 0.02f);
    float[] x = new float[64];
    x[5] = 1f;
    assertThatThrownBy(() -> lora.trainTargetsOnRank(OperatorScope.Filter, x, new int[] {0},
        new float[] {1f}, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rank must be 0 or 1, got -1");
    assertThat(lora.adaptCount(OperatorScope.Filter)).isZero();
  }

  private static double squaredError(float[] y, float[] t) {
    double s = 0;
    for (int r = 0; r < t.length; r++) {
      s += (y[r] - t[r]) * (double) (y[r] - t[r]);
    }
    return s;
  }
}
