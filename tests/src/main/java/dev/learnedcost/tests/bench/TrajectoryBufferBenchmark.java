package dev.learnedcost.tests.bench;

import dev.learnedcost.engine.TrajectoryBuffer;
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
 * {@link TrajectoryBuffer#record} into a full ring (the steady state: every record overwrites the
 * oldest), beside a plain baseline ({@code impl=scalar}) that copies the embedding into a ring of
 * arrays and keeps the same running statistics without validation. {@code record} copies the
 * embedding into a new immutable trajectory, so it allocates by design (about 16 + 4 * dim bytes
 * of embedding plus the record).
 *
 * <p>Run (from the repository root; add {@code -prof gc} for B/op):
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar TrajectoryBufferBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrajectoryBufferBenchmark {
  private static final int CAPACITY = 1000;

  @Param({"64", "256"})
  public int dim;

  @Param({"scalar", "ours"})
  public String impl;

  private boolean ours;
  private TrajectoryBuffer buffer;
  private float[] embedding;
  private int op;

  // Baseline state.
  private float[][] ring;
  private int[] ringOp;
  private int writePos;
  private long count;
  private float mean;
  private float m2;
  private float best;

  @Setup(Level.Trial)
  public void setUp() {
    BenchInputs.printKernel("TrajectoryBufferBenchmark");
    ours = impl.equals("ours");
    buffer = new TrajectoryBuffer(CAPACITY, dim);
    embedding = BenchInputs.vector(BenchInputs.SEED, dim);
    ring = new float[CAPACITY][];
    ringOp = new int[CAPACITY];
    for (int k = 0; k < CAPACITY; k++) {
      record();
    }
  }

  /** Records one execution (execution 2 ms against a baseline of 3 ms). */
  @Benchmark
  public long record() {
    op = op == 16 ? 0 : op + 1;
    if (ours) {
      buffer.record(embedding, op, 1, 2f, 3f);
      return buffer.totalCount();
    }
    ring[writePos] = embedding.clone();
    ringOp[writePos] = op;
    writePos = (writePos + 1) % CAPACITY;
    float imp = 3f / 2f - 1f;
    count++;
    float delta = imp - mean;
    mean += delta / count;
    m2 += delta * (imp - mean);
    best = Math.max(best, imp);
    return count;
  }
}
