package dev.learnedcost.tests.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The exact forward counter of {@code ScopedLoRA}: a {@link LongAdder} per operator (ours)
 * against one {@link AtomicLongArray} slot per operator, for one thread and for four threads
 * counting the same operator (planner threads forwarding the same scope). Explains the choice in
 * {@code ScopedLoRA}'s design notes.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar ForwardCounterBenchmark -f 1 -wi 3 -w 1 -i 5 -r 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForwardCounterBenchmark {
  private static final int SCOPES = 17;
  private static final int OP = 5;

  @Param({"atomicLongArray", "longAdder"})
  public String counter;

  private boolean adder;
  private LongAdder[] adders;
  private AtomicLongArray array;

  @Setup(Level.Trial)
  public void setUp() {
    adder = counter.equals("longAdder");
    adders = new LongAdder[SCOPES];
    for (int i = 0; i < SCOPES; i++) {
      adders[i] = new LongAdder();
    }
    array = new AtomicLongArray(SCOPES);
  }

  private void increment() {
    if (adder) {
      adders[OP].increment();
    } else {
      array.getAndIncrement(OP);
    }
  }

  /** One thread counting. */
  @Benchmark
  @Threads(1)
  public void oneThread() {
    increment();
  }

  /** Four threads counting the same operator. */
  @Benchmark
  @Threads(4)
  public void fourThreads() {
    increment();
  }
}
