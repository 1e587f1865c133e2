package dev.learnedcost.tests.bench;

import dev.learnedcost.engine.Vectorization;
import java.util.SplittableRandom;

/** Deterministic benchmark inputs and the kernel banner. */
final class BenchInputs {
  static final long SEED = 20261123L;

  private BenchInputs() {}

  /** A vector of {@code n} values in [-1, 1) from a seeded generator. */
  static float[] vector(long seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** Prints which engine kernel this fork uses, once per trial, into the JMH log. */
  static void printKernel(String benchmark) {
    System.out.println("# " + benchmark + ": engine kernel " + Vectorization.kernelName());
  }
}
