package dev.learnedcost.tests.bench;

import dev.learnedcost.engine.MicroLoRA;
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
 * {@link MicroLoRA}: forward on the buffer and the array path, the reference adapt on the buffer
 * path, and the supervised training step, each beside the plain-loop baseline
 * ({@code impl=scalar}, {@link NaiveLoRA}). The engine's kernel (SIMD or scalar) is chosen by the
 * JVM flags; the log line {@code # MicroLoRABenchmark: engine kernel ...} names it.
 *
 * <p>Run (from the repository root; add {@code -prof gc} for B/op):
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar MicroLoRABenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * java -jar tests/target/benchmarks.jar MicroLoRABenchmark -f 1 -wi 3 -w 1 -i 5 -r 1 -jvmArgsAppend "--add-modules jdk.incubator.vector"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MicroLoRABenchmark {
  @Param({"64", "256"})
  public int dim;

  @Param({"scalar", "ours"})
  public String impl;

  private boolean ours;
  private MicroLoRA micro;
  private NaiveLoRA naive;
  private float[] x;
  private float[] gradient;
  private final int[] readouts = {0, 1};
  private final float[] targets = {0.25f, -0.5f};

  @Setup(Level.Trial)
  public void setUp() {
    BenchInputs.printKernel("MicroLoRABenchmark");
    ours = impl.equals("ours");
    micro = new MicroLoRA(dim, 0.1f, 0.01f);
    naive = new NaiveLoRA(dim, 0.1f, 0.01f);
    x = BenchInputs.vector(BenchInputs.SEED, dim);
    gradient = BenchInputs.vector(BenchInputs.SEED + 1, dim);
    // Non-zero B, so that forward does real work.
    micro.adaptArray(gradient);
    naive.adapt(gradient);
    System.arraycopy(x, 0, micro.inputBuffer(), 0, dim);
    System.arraycopy(x, 0, naive.input, 0, dim);
  }

  /** Forward from the input buffer into the output buffer (zero-copy path). */
  @Benchmark
  public float[] forwardBuffer() {
    if (ours) {
      micro.forward();
      return micro.outputBuffer();
    }
    naive.forward(naive.input, naive.output);
    return naive.output;
  }

  /** Forward into a new array. */
  @Benchmark
  public float[] forwardArray() {
    return ours ? micro.forwardArray(x) : naive.forwardArray(x);
  }

  /** The reference adapt with the gradient in the input buffer (it holds {@code x}). */
  @Benchmark
  public void adaptBuffer() {
    if (ours) {
      micro.adapt();
    } else {
      naive.adapt(naive.input);
    }
  }

  /** One supervised step towards two readout targets (trainTargets). */
  @Benchmark
  public double trainStep() {
    return ours ? micro.trainTargets(x, readouts, targets) : naive.trainTargets(x, readouts,
        targets);
  }
}
