package dev.learnedcost.calcite.internal.learn;

import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.Window;
import dev.learnedcost.engine.OperatorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest training targets of the distinct operators of one scope, bounded, oldest evicted
 * first. Used by the learner thread only.
 *
 * <p>A row target is replayed as last observed: an operator's row count is a deterministic
 * function of its data, and after the data changes the latest count is the right one. A cost
 * target is the median of the operator's last {@value #COST_WINDOW} targets: self times of
 * sub-millisecond operators carry the noise of the first runs of freshly generated code, of
 * garbage collection and of other processes, and one such outlier, remembered as an
 * operator's latest target, would stay its target until the operator runs again, which a plan
 * priced too high by that outlier may never do.
 */
public final class ReplayMemory {
  /** First embedding dimension that does not depend on row counts (see CostEmbedding). */
  private static final int STRUCTURE_FROM = CostEmbedding.ROWS + 5;

  /** Cost targets per operator whose median is replayed. */
  public static final int COST_WINDOW = 5;

  /** One operator's latest embedding and target; the cost readout keeps its recent targets. */
  private static final class Sample {
    float[] x;
    final int readout;
    double target;
    final Window recent;

    Sample(int readout) {
      this.readout = readout;
      this.recent = new Window(readout == CostEmbedding.READOUT_COST ? COST_WINDOW : 1);
    }
  }

  private final Map<Long, Sample> samples;

  /** Creates a memory of at most {@code capacity} operators, the oldest evicted first. */
  public ReplayMemory(int capacity) {
    this.samples = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Sample> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * Remembers the latest target of the operator {@code x} describes (keyed by the embedding's
   * dimensions that do not depend on row counts); the operator becomes the newest.
   */
  public void put(float[] x, int readout, double target) {
    long key = readout;
    for (int i = STRUCTURE_FROM; i < x.length; i++) {
      key = key * 1_000_003L + Float.floatToIntBits(x[i]);
    }
    Sample s = samples.remove(key);
    if (s == null) {
      s = new Sample(readout);
    }
    s.x = x;
    s.recent.add(target);
    s.target = s.recent.median();
    samples.put(key, s);
  }

  /** One step per remembered target, {@code passes} times, oldest first. */
  public void replay(LearnedModel model, OperatorScope scope, int passes) {
    List<Sample> all = new ArrayList<>(samples.values());
    for (int p = 0; p < passes; p++) {
      for (Sample s : all) {
        if (s.readout == CostEmbedding.READOUT_ROWS) {
          model.train(scope, s.x, s.target, Double.NaN);
        } else {
          model.train(scope, s.x, Double.NaN, s.target);
        }
      }
    }
  }

  /** Returns how many operators are remembered. */
  public int size() {
    return samples.size();
  }
}
