package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TrajectoryBufferTest {
  private static final long SEED = 4242L;

  static void rejects(TrajectoryBuffer t, Executable call, String message) {
    List<Object> before = EngineState.of(t);
    assertThatThrownBy(call::execute).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
    assertThat(EngineState.of(t)).isEqualTo(before);
  }

  static float[] emb(int dim, float v) {
    float[] e = new float[dim];
    java.util.Arrays.fill(e, v);
    return e;
  }

  @Test
  void defaults_matchReference() {
    TrajectoryBuffer t = new TrajectoryBuffer();
    assertThat(t.capacity()).isEqualTo(1000);
    assertThat(t.embeddingDim()).isEqualTo(256);
    assertThat(t.isEmpty()).isTrue();
    assertThat(t.variance()).isZero();
  }

  @Test
  void record_beyondCapacity_overwritesOldestAndKeepsOrder() {
    TrajectoryBuffer t = new TrajectoryBuffer(3, 2);
    for (int k = 1; k <= 5; k++) {
      t.record(emb(2, k), k % 2, 0, 10f, 10f + k);
    }
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.totalCount()).isEqualTo(5);
    assertThat(t.trajectories()).extracting(tr -> tr.embeddingAt(0))
        .containsExactly(3f, 4f, 5f);
    // held: k = 3, 4, 5 -> op types 1, 0, 1
    assertThat(t.countByOperator(1)).isEqualTo(2);
    assertThat(t.countByOperator(0)).isEqualTo(1);
    // statistics cover all five records, including the two overwritten
    assertThat(t.meanImprovement()).isCloseTo(0.3f, within(1e-6f));
  }

  @Test
  void statistics_matchTwoPassComputationInDouble() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    TrajectoryBuffer t = new TrajectoryBuffer(50, 4);
    int n = 2000;
    double[] imp = new double[n];
    int successes = 0;
    float best = 0f;
    int bestAtt = 0;
    for (int k = 0; k < n; k++) {
      float exec = (float) (1 + rnd.nextDouble() * 200);
      float base = (float) (1 + rnd.nextDouble() * 200);
      int att = rnd.nextInt(5);
      t.record(emb(4, 1f), rnd.nextInt(17), att, exec, base);
      float i = base / exec - 1f;
      imp[k] = i;
      if (i > 0) {
        successes++;
      }
      if (i > best) {
        best = i;
        bestAtt = att;
      }
    }
    double mean = 0;
    for (double v : imp) {
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : imp) {
      var += (v - mean) * (v - mean);
    }
    var /= n - 1;
    assertThat((double) t.meanImprovement()).as("seed %d", SEED)
        .isCloseTo(mean, within(1e-4 * Math.abs(mean) + 1e-5));
    assertThat((double) t.variance()).as("seed %d", SEED)
        .isCloseTo(var, within(1e-3 * var));
    assertThat((double) t.successRate()).isCloseTo(successes / (double) n, within(1e-4));
    assertThat(t.bestImprovement()).isEqualTo(best);
    assertThat(t.bestAttention()).isEqualTo(bestAtt);
  }

  @Test
  void record_zeroExecution_hasZeroImprovement() {
    TrajectoryBuffer t = new TrajectoryBuffer(4, 1);
    t.record(emb(1, 0f), 0, 0, 0f, 5f);
    assertThat(t.trajectories().get(0).improvement()).isZero();
    assertThat(t.successRate()).isZero();
  }

  @Test
  void highQualityCount_usesClampedQuality() {
    TrajectoryBuffer t = new TrajectoryBuffer(10, 1);
    t.record(emb(1, 0f), 0, 0, 100f, 300f); // improvement 2 -> quality 1
    t.record(emb(1, 0f), 0, 0, 100f, 100f); // 0 -> 0.5
    t.record(emb(1, 0f), 0, 0, 300f, 100f); // -2/3 -> 1/6
    assertThat(t.highQualityCount(0.5f)).isEqualTo(1);
    assertThat(t.highQualityCount(0.4f)).isEqualTo(2);
    assertThat(t.highQualityCount(-1f)).isEqualTo(3);
    assertThat(t.highQualityCount(1f)).isZero();
  }

  @Test
  void reset_clearsRecordsAndStatistics() {
    TrajectoryBuffer t = new TrajectoryBuffer(3, 1);
    t.record(emb(1, 1f), 2, 3, 10f, 30f);
    t.reset();
    assertThat(EngineState.of(t)).isEqualTo(EngineState.of(new TrajectoryBuffer(3, 1)));
  }

  @Test
  void trajectory_isImmutable() {
    TrajectoryBuffer t = new TrajectoryBuffer(3, 2);
    float[] e = {1f, 2f};
    t.record(e, 0, 0, 1f, 1f);
    e[0] = 99f;
    Trajectory tr = t.trajectories().get(0);
    assertThat(tr.embedding()).containsExactly(1f, 2f);
    tr.embedding()[0] = 42f;
    assertThat(tr.embeddingAt(0)).isEqualTo(1f);
    assertThatThrownBy(() -> t.trajectories().add(tr))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructor_badArguments_throw() {
    assertThatThrownBy(() -> new TrajectoryBuffer(0, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity must be >= 1, got 0");
    assertThatThrownBy(() -> new TrajectoryBuffer(4, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("embeddingDim must be >= 1, got 0");
  }

  @Test
  void record_badArguments_throwAndRecordNothing() {
    TrajectoryBuffer t = new TrajectoryBuffer(4, 2);
    t.record(emb(2, 1f), 1, 1, 5f, 6f);
    rejects(t, () -> t.record(emb(3, 1f), 1, 1, 5f, 6f),
        "embedding length must equal embeddingDim (2), got 3");
    rejects(t, () -> t.record(new float[] {1f, Float.NaN}, 1, 1, 5f, 6f),
        "embedding[1] must be finite, got NaN");
    rejects(t, () -> t.record(emb(2, 1f), 17, 1, 5f, 6f), "opType must be in 0..16, got 17");
    rejects(t, () -> t.record(emb(2, 1f), -1, 1, 5f, 6f), "opType must be in 0..16, got -1");
    rejects(t, () -> t.record(emb(2, 1f), 1, 256, 5f, 6f),
        "attentionType must be in 0..255, got 256");
    rejects(t, () -> t.record(emb(2, 1f), 1, 1, -1f, 6f),
        "executionMs must be finite and >= 0, got -1.0");
    rejects(t, () -> t.record(emb(2, 1f), 1, 1, Float.NaN, 6f),
        "executionMs must be finite and >= 0, got NaN");
    rejects(t, () -> t.record(emb(2, 1f), 1, 1, 5f, Float.POSITIVE_INFINITY),
        "baselineMs must be finite and >= 0, got Infinity");
    rejects(t, () -> t.highQualityCount(Float.NaN), "threshold must not be NaN, got NaN");
    rejects(t, () -> t.countByOperator(17), "opType must be in 0..16, got 17");
    assertThat(t.totalCount()).isEqualTo(1);
  }

  @Test
  void record_finiteEmbeddingWhoseSquaresOverflow_isAccepted() {
    // The finiteness check sums squares first; 3e38^2 overflows, which must not be taken for a
    // NaN or an infinity in the embedding.
    TrajectoryBuffer t = new TrajectoryBuffer(4, 16);
    float[] huge = emb(16, 3e38f);
    t.record(huge, 1, 1, 5f, 6f);
    assertThat(t.trajectories()).singleElement()
        .satisfies(tr -> assertThat(tr.embedding()).containsExactly(huge));
    huge[15] = Float.NEGATIVE_INFINITY;
    rejects(t, () -> t.record(huge, 1, 1, 5f, 6f), "embedding[15] must be finite, got -Infinity");
  }
}
