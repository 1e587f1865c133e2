package dev.learnedcost.tests.bench;

import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ScopedLoRA} forward on the buffer path and on {@code forwardInto} (the planner
 * threads' path), for an operator that blends with its category (fewer than 10 adaptations) and
 * for one that does not, beside the plain-loop baseline ({@code impl=scalar}).
 *
 * <p>Run (from the repository root; add {@code -prof gc} for B/op):
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar ScopedLoRABenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * java -jar tests/target/benchmarks.jar ScopedLoRABenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -jvmArgsAppend "--add-modules jdk.incubator.vector"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScopedLoRABenchmark {
  /** Adapted 3 times: blends with the Scan category (w = 0.3). */
  private static final OperatorScope BLENDING = OperatorScope.SeqScan;
  /** Adapted 12 times: its own adapter only. */
  private static final OperatorScope SETTLED = OperatorScope.HashJoin;

  @Param({"64", "256"})
  public int dim;

  @Param({"scalar", "ours"})
  public String impl;

  private boolean ours;
  private ScopedLoRA scoped;
  private NaiveLoRA naiveOp;
  private NaiveLoRA naiveCat;
  private float[] x;
  private float[] out;

  @Setup(Level.Trial)
  public void setUp() {
    BenchInputs.printKernel("ScopedLoRABenchmark");
    ours = impl.equals("ours");
    scoped = new ScopedLoRA(dim, 0.1f, 0.01f);
    naiveOp = new NaiveLoRA(dim, 0.1f, 0.01f);
    naiveCat = new NaiveLoRA(dim, 0.1f, 0.01f);
    x = BenchInputs.vector(BenchInputs.SEED, dim);
    out = new float[dim];
    for (int k = 0; k < 12; k++) {
      float[] g = BenchInputs.vector(BenchInputs.SEED + k, dim);
      if (k < 3) {
        scoped.adaptArray(BLENDING, g);
        naiveOp.adapt(g);
        naiveCat.adapt(g);
      }
      scoped.adaptArray(SETTLED, g);
    }
    System.arraycopy(x, 0, scoped.inputBuffer(), 0, dim);
  }

  /** Buffer path, blending operator and category outputs. */
  @Benchmark
  public float[] forwardBlend() {
    if (ours) {
      scoped.forward(BLENDING);
      return scoped.outputBuffer();
    }
    naiveOp.blend(naiveCat, 0.3f, x, out);
    return out;
  }

  /** Buffer path, operator adapter only. */
  @Benchmark
  public float[] forwardNoBlend() {
    if (ours) {
      scoped.forward(SETTLED);
      return scoped.outputBuffer();
    }
    naiveOp.forward(x, out);
    return out;
  }

  /** The planner threads' path: caller's output array, blending. */
  @Benchmark
  public float[] forwardIntoBlend() {
    if (ours) {
      scoped.forwardInto(BLENDING, x, out);
      return out;
    }
    naiveOp.blend(naiveCat, 0.3f, x, out);
    return out;
  }
}
