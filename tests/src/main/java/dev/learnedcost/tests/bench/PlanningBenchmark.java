package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.ExecutedNode;
import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.NodeTrace;
import dev.learnedcost.calcite.PlanTrace;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.Programs;
import org.h2.jdbcx.JdbcDataSource;
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
 * Planning time of a fixed query set (three- and two-table TPC-H-style joins, aggregates, a
 * top-N) through a Frameworks {@link Planner}: parse, validate, convert and optimize to
 * Enumerable, per query, with a fresh planner each time. {@code mode}: {@code stock} (Calcite's
 * VolcanoCost and metadata), {@code untrained} (the plugin installed with an untrained model,
 * mode ON), {@code trained} (the plugin after learning, through its feedback API, from 20
 * synthetic executions of the query set in which CUSTOMER scans return 100x their estimate and
 * hash joins take 50x their predicted time; mode ON). The schema is an empty H2 TPC-H subset behind
 * {@link ScanOnlyJdbcConvention} (planning reads no data). Target: plugin <= 1.05 x stock.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -o -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar PlanningBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanningBenchmark {
  private static final List<String> QUERIES = List.of(
      "select c.c_name, o.o_orderkey, o.o_totalprice from tpch.customer c"
          + " join tpch.orders o on c.c_custkey = o.o_custkey"
          + " join tpch.nation n on c.c_nationkey = n.n_nationkey"
          + " where n.n_name = 'GERMANY' and o.o_totalprice > 300000 order by o.o_orderkey",
      "select n.n_name, count(*) as cnt from tpch.customer c"
          + " join tpch.orders o on c.c_custkey = o.o_custkey"
          + " join tpch.nation n on c.c_nationkey = n.n_nationkey group by n.n_name",
      "select r.r_name, count(*) as cnt from tpch.supplier s"
          + " join tpch.nation n on s.s_nationkey = n.n_nationkey"
          + " join tpch.region r on n.n_regionkey = r.r_regionkey group by r.r_name",
      "select count(*) as cnt, max(o_totalprice) as mx from tpch.orders"
          + " where o_orderstatus = 'F'",
      "select c_custkey, c_name from tpch.customer where c_acctbal > 9000"
          + " order by c_acctbal desc limit 10",
      "select o_orderpriority, count(*) as cnt from tpch.orders"
          + " where o_orderdate >= date '1995-01-01' group by o_orderpriority");

  private static final String[] DDL = {
    "CREATE TABLE nation (n_nationkey BIGINT PRIMARY KEY, n_name VARCHAR(25),"
        + " n_regionkey BIGINT, n_comment VARCHAR(152))",
    "CREATE TABLE region (r_regionkey BIGINT PRIMARY KEY, r_name VARCHAR(25),"
        + " r_comment VARCHAR(152))",
    "CREATE TABLE supplier (s_suppkey BIGINT PRIMARY KEY, s_name VARCHAR(25),"
        + " s_address VARCHAR(40), s_nationkey BIGINT, s_phone VARCHAR(15), s_acctbal DOUBLE,"
        + " s_comment VARCHAR(101))",
    "CREATE TABLE customer (c_custkey BIGINT PRIMARY KEY, c_name VARCHAR(25),"
        + " c_address VARCHAR(40), c_nationkey BIGINT, c_phone VARCHAR(15), c_acctbal DOUBLE,"
        + " c_mktsegment VARCHAR(10), c_comment VARCHAR(117))",
    "CREATE TABLE orders (o_orderkey BIGINT PRIMARY KEY, o_custkey BIGINT,"
        + " o_orderstatus VARCHAR(1), o_totalprice DOUBLE, o_orderdate DATE,"
        + " o_orderpriority VARCHAR(15), o_clerk VARCHAR(15), o_shippriority INT,"
        + " o_comment VARCHAR(79))"
  };

  @Param({"stock", "untrained", "trained"})
  public String mode;

  private Connection keepAlive;
  private FrameworkConfig config;
  private LoraRuntime runtime;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:planning_bench;DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE");
    keepAlive = ds.getConnection();
    try (Statement s = keepAlive.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
      }
    }
    SchemaPlus root = Frameworks.createRootSchema(true);
    root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", ds, null, "PUBLIC"));
    FrameworkConfig stock = Frameworks.newConfigBuilder()
        .defaultSchema(root).programs(Programs.standard()).build();
    switch (mode) {
      case "stock" -> config = stock;
      case "untrained" -> {
        runtime = LoraRuntime.open();
        config = runtime.configure(stock, LoraMode.ON);
      }
      case "trained" -> {
        runtime = trainedRuntime(stock);
        config = runtime.configure(stock, LoraMode.ON);
      }
      default -> throw new IllegalArgumentException(
          "mode must be stock, untrained or trained, got " + mode);
    }
  }

  /**
   * A runtime that learned, from synthetic executions of the query set handed to its feedback
   * API, that CUSTOMER scans return 100 times their estimate and hash joins take 50 times their
   * predicted time (every other node as estimated, at a fixed time per cost unit).
   */
  private static LoraRuntime trainedRuntime(FrameworkConfig stock) throws Exception {
    LoraRuntime trained = LoraRuntime.open(LoraRuntimeConfig.builder().synchronous(true)
        .guardEnabled(false).build());
    FrameworkConfig shadow = trained.configure(stock, LoraMode.SHADOW);
    for (int round = 0; round < 20; round++) {
      for (String q : QUERIES) {
        RelNode plan = plan(shadow, q);
        PlanTrace trace = trained.trace(plan, LoraMode.SHADOW);
        trained.learn(new ExecutedPlan(null, trace.planHash(), synthetic(plan, trace), 1, true));
      }
    }
    return trained;
  }

  private static ExecutedNode synthetic(RelNode rel, PlanTrace trace) {
    List<ExecutedNode> inputs = new ArrayList<>();
    for (RelNode input : rel.getInputs()) {
      inputs.add(synthetic(input, trace));
    }
    NodeTrace t = trace.of(rel);
    boolean customer = t.scope() == OperatorScope.SeqScan
        && org.apache.calcite.plan.RelOptUtil.toString(rel).contains("CUSTOMER");
    double rows = Math.max(0, t.baseRows()) * (customer ? 100 : 1);
    double ms = Double.isNaN(t.baseCost()) ? Double.NaN
        : t.baseCost() * 1e-3 * (t.scope() == OperatorScope.HashJoin ? 50 : 1);
    return new ExecutedNode(t, Double.isNaN(rows) ? 0 : rows, ms, false, inputs);
  }

  private static RelNode plan(FrameworkConfig config, String sql) throws Exception {
    Planner planner = Frameworks.getPlanner(config);
    try {
      RelNode logical = planner.rel(planner.validate(planner.parse(sql))).project();
      return planner.transform(0,
          logical.getTraitSet().replace(EnumerableConvention.INSTANCE), logical);
    } finally {
      planner.close();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    if (runtime != null) {
      runtime.close();
    }
    keepAlive.close();
  }

  /** Plans every query of the set; returns the summed node ids so nothing is dead code. */
  @Benchmark
  public long planQuerySet() throws Exception {
    long sum = 0;
    for (String q : QUERIES) {
      sum += plan(config, q).getId();
    }
    return sum;
  }
}
