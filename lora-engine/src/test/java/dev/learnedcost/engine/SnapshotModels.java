package dev.learnedcost.engine;

import java.util.SplittableRandom;

/** Deterministic models with history in every part of their state, for snapshot tests. */
final class SnapshotModels {
  private SnapshotModels() {}

  /**
   * A scoped model whose adapters, counters and settings all differ from a fresh one and whose
   * content depends on {@code seed} (same seed, same kernel: same bytes).
   */
  static ScopedLoRA scoped(int dim, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    ScopedLoRA s = new ScopedLoRA(dim, 0.5f, 0.05f);
    s.setMaxStepNorm(0.75f);
    int[] readouts = dim >= 2 ? new int[] {0, 1} : new int[] {0};
    for (int step = 0; step < 40; step++) {
      int op = rnd.nextInt(OperatorScope.COUNT);
      float[] x = vector(rnd, dim);
      switch (step % 4) {
        case 0 -> s.adaptArray(op, vector(rnd, dim));
        case 1 -> s.trainTargets(op, x, readouts, vector(rnd, readouts.length));
        case 2 -> s.trainStep(op, x, vector(rnd, dim));
        default -> s.forwardArray(op, x);
      }
    }
    s.setCategoryFallback(seed % 2 == 0);
    return s;
  }

  /** A single adapter with history; content depends on {@code seed}. */
  static MicroLoRA micro(int dim, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    MicroLoRA m = new MicroLoRA(dim, 0.25f, 0.02f);
    m.setMaxStepNorm(2f);
    for (int step = 0; step < 12; step++) {
      m.adaptArray(vector(rnd, dim));
      m.trainStep(vector(rnd, dim), vector(rnd, dim));
      m.forwardArray(vector(rnd, dim));
    }
    return m;
  }

  static float[] vector(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }
}
