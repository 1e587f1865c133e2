package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.feedback.FeedbackLoop;
import dev.learnedcost.calcite.feedback.FeedbackOptions;
import dev.learnedcost.calcite.profile.ExecutionActuals;
import dev.learnedcost.calcite.profile.PlanProfiler;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.QueryCatalog;
import dev.learnedcost.examples.TpchDataset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
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
 * The time the feedback loop adds to a query's return: handing one finished execution's
 * per-operator actuals to the loop (what the executing thread does when the root of a profiled
 * plan is exhausted). The actuals are those of a real TPC-H plan (Q10 at SF 0.01: 15 profiled
 * operators; Q02: 28), captured once in the setup.
 *
 * <ul>
 *   <li>{@code learner}: the default loop, whose learner thread trains on the other core; each
 *       hand-off is a bounded-queue offer, and once the learner falls behind, a counted drop (the
 *       tear-down prints how many of each).</li>
 *   <li>{@code synchronous}: the loop trains on the calling thread, for comparison: what the
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

  private FeedbackLoop loop;
  private ExecutionActuals actuals;

  /** Captures one execution's actuals and opens the loop. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    AtomicReference<ExecutionActuals> captured = new AtomicReference<>();
    Program profiler = PlanProfiler.program(captured::set);
    try (DemoDatabase database = BenchInputs.tpchDatabase();
        Connection c = BenchInputs.tpchConnection(database);
        Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
            h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), profiler)));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(QueryCatalog.builtIn(TpchDataset.NAME, query).sql())) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
    actuals = captured.get();
    if (actuals == null) {
      throw new IllegalStateException("no execution of " + query + " was profiled");
    }
    System.out.println(query + ": " + actuals.operators().size() + " profiled operators");
    loop = new FeedbackLoop(LoraCostModel.create(),
        FeedbackOptions.DEFAULTS.withSynchronous("synchronous".equals(loopMode)),
        new dev.learnedcost.calcite.feedback.CostCalibration());
  }

  /** Hands one execution to the loop. */
  @Benchmark
  public void handOff() {
    loop.listener().accept(actuals);
  }

  /** Prints what the loop did with the hand-offs and closes it. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    loop.close();
    System.out.println("feedback loop: " + loop.stats());
  }
}
