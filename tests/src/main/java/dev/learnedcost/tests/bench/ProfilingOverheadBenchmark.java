package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.QueryCatalog;
import dev.learnedcost.examples.TpchDataset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Execution time of TPC-H queries (SF 0.01, H2 through {@link ScanOnlyJdbcConvention}, joins
 * and aggregates in Calcite) with and without per-operator profiling (the runtime's
 * {@link LoraRuntime#profilingProgram(LoraMode, boolean)}): the overhead of EXPLAIN ANALYZE and of
 * learning. Statements are prepared once in the setup (with or without the profiling program),
 * so only execution is measured. With {@code on} each profiled run is traced for EXPLAIN ANALYZE
 * and teaches nothing; with {@code learn} it also trains the model (learner thread, default
 * options), so {@code learn - on} is what training adds to a query's return (the hand-off to
 * the bounded queue is the same; the work runs on the learner thread, which on a 2-core machine
 * competes for the second core).
 *
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar ProfilingOverheadBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 6, time = 2)
public class ProfilingOverheadBenchmark {
  /**
   * {@code off}: stock execution; {@code on}: every Enumerable node profiled and traced;
   * {@code learn}: profiled and learned from.
   */
  @Param({"off", "on", "learn"})
  public String profiling;

  /** Comma-separated built-in TPC-H query names. */
  @Param({"q01,q03,q06,q10,q12,q14"})
  public String queries;

  private DemoDatabase database;
  private Connection connection;
  private final List<PreparedStatement> statements = new ArrayList<>();
  private LoraRuntime runtime;

  /** Opens (or builds once) the database and prepares every query. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    database = BenchInputs.tpchDatabase();
    connection = BenchInputs.tpchConnection(database);
    runtime = LoraRuntime.open();
    Program profiler = runtime.profilingProgram(LoraMode.ON, "learn".equals(profiling));
    try (Hook.Closeable ignored = !"off".equals(profiling)
        ? Hook.PROGRAM.addThread((Holder<Program> h) ->
            h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), profiler)))
        : () -> { }) {
      for (String name : queries.split(",")) {
        statements.add(connection.prepareStatement(
            QueryCatalog.builtIn(TpchDataset.NAME, name.trim()).sql()));
      }
    }
  }

  /** Runs every query once and reads every row; returns the row count. */
  @Benchmark
  public long execute() throws SQLException {
    long rows = 0;
    for (PreparedStatement ps : statements) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows++;
        }
      }
    }
    return rows;
  }

  /** Checks that profiling really ran, and closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (!"off".equals(profiling) && runtime.stats().received() == 0) {
      throw new IllegalStateException("profiling=" + profiling + " but no execution was profiled");
    }
    runtime.close();
    System.out.println("runtime: " + runtime.stats());
    for (PreparedStatement ps : statements) {
      ps.close();
    }
    connection.close();
    database.close();
  }
}
