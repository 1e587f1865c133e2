package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.QueryCatalog;
import dev.learnedcost.examples.TpchDataset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time learning adds to a query's return: handing one finished execution to the runtime
 * ({@link LoraRuntime#learn}, what the executing thread does when the root of a profiled plan
 * is exhausted). The execution is a real TPC-H plan's (Q10 at SF 0.01: 15 profiled operators;
 * Q02: 28), captured once in the setup with its trace.
 *
 * <ul>
 *   <li>{@code learner}: the default runtime, whose learner thread trains on the other core; each
 *       hand-off is a bounded-queue offer, and once the learner falls behind, a counted drop (the
 *       tear-down prints how many of each).</li>
 *   <li>{@code synchronous}: the runtime trains on the calling thread, for comparison: what the
 *       query would pay if learning were on its path.</li>
 * </ul>
 *
 * <p>Measured (JDK 17, 2-core machine, load about 2): {@code learner} 56 ns (q10) and 58 ns
 * (q02) per hand-off, almost all of them drops, since a benchmark hands executions over far
 * faster than any learner digests them; {@code synchronous} 0.22 ms (q10) and 0.74 ms (q02).
 * So learning must stay off the query's thread, as it is by default.
 *
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar FeedbackHandoffBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FeedbackHandoffBenchmark {
  /** Where learning runs. */
  @Param({"learner", "synchronous"})
  public String loopMode;

  /** The TPC-H query whose actuals are handed over. */
  @Param({"q10", "q02"})
  public String query;

  private LoraRuntime runtime;
  private ExecutedPlan execution;

  /** Captures one execution (learned from once) and opens the runtime that is handed it. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    try (LoraRuntime capture = LoraRuntime.open(
            LoraRuntimeConfig.builder().synchronous(true).build());
        DemoDatabase database = BenchInputs.tpchDatabase();
        Connection c = BenchInputs.tpchConnection(database,
            capture.driver(LoraMode.ON, true));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(QueryCatalog.builtIn(TpchDataset.NAME, query).sql())) {
      while (rs.next()) {
        rs.getObject(1);
      }
      List<ExecutedPlan> recent = capture.recentExecutions();
      if (recent.isEmpty()) {
        throw new IllegalStateException("no execution of " + query + " was profiled");
      }
      // Without its query scope: a plan of another runtime's guard.
      ExecutedPlan p = recent.get(recent.size() - 1);
      execution = new ExecutedPlan(null, p.planHash(), p.root(), p.latencyMs(), true);
    }
    runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
        .synchronous("synchronous".equals(loopMode)).build());
  }

  /** Hands one execution to the runtime. */
  @Benchmark
  public void handOff() {
    runtime.learn(execution);
  }

  /** Prints what the runtime did with the hand-offs and closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
    System.out.println("runtime: " + runtime.stats());
  }
}
