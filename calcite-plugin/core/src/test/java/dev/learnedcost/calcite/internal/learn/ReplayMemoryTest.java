package dev.learnedcost.calcite.internal.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.engine.OperatorScope;
import org.junit.jupiter.api.Test;

/** What the replay memory trains towards: latest rows, the median of recent costs. */
class ReplayMemoryTest {
  /** An embedding of the default dimension: bias, a row feature and one identity bucket. */
  private static float[] operator(int bucket) {
    float[] x = new float[LearnedModel.untrained(LoraRuntimeConfig.defaults()).config().dim()];
    x[CostEmbedding.BIAS] = CostEmbedding.BIAS_VALUE;
    x[CostEmbedding.ROWS] = 1.5f;
    x[CostEmbedding.IDENTITY_START + bucket] = CostEmbedding.IDENTITY_WEIGHT;
    return x;
  }

  @Test
  void costTarget_isTheMedianOfTheOperatorsRecentTargets_soOneOutlierDoesNotStick() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    ReplayMemory memory = new ReplayMemory(16);
    float[] x = operator(3);
    // A cold first run (ln 8 slower than predicted), then four ordinary ones, the outlier last.
    for (double t : new double[] {0.30, 0.20, 0.25, 0.35, Math.log(8)}) {
      memory.put(x, CostEmbedding.READOUT_COST, t);
    }
    assertThat(memory.size()).isEqualTo(1);
    memory.replay(model, OperatorScope.SeqScan, 30);
    double learned = Math.log(model.correction(OperatorScope.SeqScan, x)[1]);
    assertThat(learned).isCloseTo(0.30, within(0.03));

    // Only the last five count: five more ordinary targets push the outlier out.
    for (double t : new double[] {-0.5, -0.5, -0.5, -0.5, -0.5}) {
      memory.put(x, CostEmbedding.READOUT_COST, t);
    }
    memory.replay(model, OperatorScope.SeqScan, 30);
    assertThat(Math.log(model.correction(OperatorScope.SeqScan, x)[1]))
        .isCloseTo(-0.5, within(0.03));
  }

  @Test
  void rowTarget_isTheLatest_becauseRowCountsChangeOnlyWithTheData() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    ReplayMemory memory = new ReplayMemory(16);
    float[] x = operator(5);
    for (double t : new double[] {1.0, 1.0, 1.0, 2.0}) {
      memory.put(x, CostEmbedding.READOUT_ROWS, t);
    }
    memory.replay(model, OperatorScope.SeqScan, 30);
    assertThat(Math.log(model.correction(OperatorScope.SeqScan, x)[0]))
        .isCloseTo(2.0, within(0.03));
  }
}
