package dev.learnedcost.tests.bench;

import dev.learnedcost.calcite.CostEmbedding;
import dev.learnedcost.calcite.LoraCalcite;
import dev.learnedcost.calcite.LoraConfig;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * mode ON), {@code trained} (the plugin with hash-join cost x50 and one table's scan rows x100
 * learned, mode ON). The schema is an empty H2 TPC-H subset behind
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
      case "untrained" -> config = LoraCalcite.configure(stock, LoraCostModel.create());
      case "trained" -> config = LoraCalcite.configure(stock, trainedModel(stock));
      default -> throw new IllegalArgumentException(
          "mode must be stock, untrained or trained, got " + mode);
    }
  }

  /** A model that learned hash joins x50 dearer and CUSTOMER scans x100 larger. */
  private static LoraCostModel trainedModel(FrameworkConfig stock) throws Exception {
    LoraCostModel model =
        LoraCostModel.create(LoraConfig.builder().mode(LoraMode.SHADOW).build());
    Map<String, float[]> joins = new LinkedHashMap<>();
    Map<String, float[]> scans = new LinkedHashMap<>();
    model.setObserver((rel, scope, readout, x, base, factor) -> {
      if (scope == OperatorScope.HashJoin && readout == CostEmbedding.READOUT_COST) {
        joins.putIfAbsent(Arrays.toString(x), x.clone());
      } else if (scope == OperatorScope.SeqScan && readout == CostEmbedding.READOUT_ROWS
          && rel.getTable() != null) {
        scans.putIfAbsent(String.join(".", rel.getTable().getQualifiedName()), x.clone());
      }
    });
    FrameworkConfig shadow = LoraCalcite.configure(stock, model);
    for (String q : QUERIES) {
      plan(shadow, q);
    }
    model.setObserver(null);
    List<float[]> js = new ArrayList<>(joins.values());
    for (int round = 0; round < 100; round++) {
      for (float[] x : js) {
        model.train(OperatorScope.HashJoin, x, Double.NaN, Math.log(50));
      }
      for (Map.Entry<String, float[]> e : scans.entrySet()) {
        double target = e.getKey().endsWith("CUSTOMER") ? Math.log(100) : 0.0;
        model.train(OperatorScope.SeqScan, e.getValue(), target, Double.NaN);
      }
    }
    model.setMode(LoraMode.ON);
    return model;
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
