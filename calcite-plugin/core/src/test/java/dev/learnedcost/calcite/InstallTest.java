package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each install path reaches our handlers, and the README's examples are these methods' code,
 * verbatim.
 */
class InstallTest {
  private static final Path README = Path.of("README.md");

  @TempDir Path dir;

  @Test
  void frameworks_readmeExample_callsHandlersAndExplains() throws Exception {
    DataSource dataSource = TpchH2.dataSource();
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    LoraStats stats;
    // README-frameworks-begin
    try (LoraRuntime runtime = LoraRuntime.open()) {
      SchemaPlus root = Frameworks.createRootSchema(true);
      root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", dataSource, null, "PUBLIC"));
      FrameworkConfig config = runtime.configure(Frameworks.newConfigBuilder()
          .defaultSchema(root).programs(Programs.standard()).build());
      Planner planner = Frameworks.getPlanner(config);
      RelNode logical = planner.rel(planner.validate(planner.parse(
          "select c_name from tpch.customer where c_acctbal > 0"))).project();
      RelNode physical = planner.transform(0,
          logical.getTraitSet().replace(EnumerableConvention.INSTANCE), logical);
      out.println(runtime.trace(physical));
      stats = runtime.stats();
    }
    // README-frameworks-end

    assertThat(stats.handlerCalls()).isPositive();
    assertThat(stats.forwards()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("mode=ON", "JdbcToEnumerableConverter", "[SeqScan]", "rows 100.0 x1.000");
  }

  @Test
  void jdbcDriverUrl_readmeExample_plansAndLearnsWithTheNamedRuntime() throws Exception {
    DataSource dataSource = TpchH2.dataSource();
    long count;
    LoraStats stats;
    // README-jdbc-begin
    Properties info = new Properties();
    info.setProperty("loraName", "demo");
    info.setProperty("loraLearn", "true");
    try (Connection c = DriverManager.getConnection("jdbc:calcite-lora:", info)) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", dataSource, null, "PUBLIC"));
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select count(*) from tpch.customer")) {
        rs.next();
        count = rs.getLong(1);
      }
      LoraRuntime runtime = LoraDriver.runtime("demo").orElseThrow();
      runtime.awaitIdle(java.time.Duration.ofSeconds(10));
      stats = runtime.stats();
    }
    // README-jdbc-end

    assertThat(count).isEqualTo(1500);
    assertThat(stats.processed()).isEqualTo(1);
    assertThat(stats.queries()).isEqualTo(1);
    assertThat(LoraDriver.runtime("demo")).as("closed with its last connection").isEmpty();
  }

  @Test
  void runtimeDriver_readmeExample_learnsAndSavesOnClose() throws Exception {
    Path stateFile = dir.resolve("learned.lcfs");
    Properties info = TpchH2.connectionProperties();
    // README-runtime-begin
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().stateFile(stateFile).build();
    try (LoraRuntime runtime = LoraRuntime.open(config);
        Connection c = runtime.driver(LoraMode.ON, true).connect("jdbc:calcite:", info)) {
      TpchH2.addSchema(c);
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select count(*) from orders where o_custkey < 100")) {
          rs.next();
        }
      }
      runtime.awaitIdle(java.time.Duration.ofSeconds(10));
      runtime.scopeStats().forEach(System.out::println);
      runtime.history().forEach(System.out::println);
    }
    // README-runtime-end
    assertThat(Files.exists(stateFile)).isTrue();
    try (LoraRuntime reopened = LoraRuntime.open(config)) {
      assertThat(reopened.loadProblem()).isNull();
      assertThat(reopened.history()).hasSize(1);
      assertThat(reopened.history().get(0).planned()).isEqualTo(3);
      assertThat(reopened.scopeStats(OperatorScope.SeqScan).observations()).isPositive();
    }
  }

  /**
   * An engine with its own executor: it plans with the runtime, runs the plan itself and hands
   * its per-operator counters over. The engine here is Calcite over H2, whose counters this test
   * takes from H2 directly (the true row counts), as an engine's own metrics would give them.
   */
  @Test
  void feedbackApi_readmeExample_teachesTheModelFromAnEnginesCounters() throws Exception {
    String sql = "select count(*) from tpch.orders";
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
        .guardBaselineRuns(0).build())) {
      SchemaPlus root = Frameworks.createRootSchema(true);
      root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", TpchH2.dataSource(), null,
          "PUBLIC"));
      FrameworkConfig planning = runtime.configure(Frameworks.newConfigBuilder()
          .defaultSchema(root).programs(Programs.standard()).build());
      TestEngine engine = new TestEngine(planning);
      for (int run = 0; run < 4; run++) {
        // README-feedback-begin
        QueryScope query = runtime.beginQuery(sql);     // the regression guard decides
        RelNode plan;
        try {
          plan = engine.plan(sql);                      // planned with runtime.configure(...)
        } finally {
          query.close();                                // the preparation's time counts too
        }
        PlanTrace trace = runtime.trace(plan);          // what the planner believed, per node
        TestEngine.Run done = engine.execute(plan);     // the engine's own executor and metrics
        runtime.learn(new ExecutedPlan(query, trace.planHash(),
            executed(plan, trace, done), done.latencyMs(), true));
        // README-feedback-end
      }
      assertThat(runtime.awaitIdle(java.time.Duration.ofSeconds(30))).isTrue();
      RelNode plan = engine.plan(sql);
      PlanTrace after = runtime.trace(plan);
      for (RelNode n : after.nodes()) {
        if (n instanceof JdbcToEnumerableConverter) {
          assertThat(after.of(n).learnedRows()).as("the orders scan learned its 15,000 rows")
              .isBetween(7_500.0, 30_000.0);
        }
      }
      assertThat(runtime.history(sql).orElseThrow().learnedRuns()
          + runtime.history(sql).orElseThrow().stockRuns()).isEqualTo(4);
      assertThat(runtime.stats().processed()).isEqualTo(4);
    }
  }

  // README-feedback-helper-begin
  /** The executed node of {@code rel} and of the inputs the engine reports rows for. */
  static ExecutedNode executed(RelNode rel, PlanTrace trace, TestEngine.Run run) {
    List<ExecutedNode> inputs = new ArrayList<>();
    for (RelNode input : rel.getInputs()) {
      if (run.reports(input)) {
        inputs.add(executed(input, trace, run));
      }
    }
    return new ExecutedNode(trace.of(rel), run.rows(rel), Double.NaN, false, inputs);
  }
  // README-feedback-helper-end

  /** Plans with a Frameworks configuration; runs through H2 and counts rows per node. */
  static final class TestEngine {
    private final FrameworkConfig config;

    TestEngine(FrameworkConfig config) {
      this.config = config;
    }

    RelNode plan(String sql) throws Exception {
      Planner planner = Frameworks.getPlanner(config);
      RelNode logical = planner.rel(planner.validate(planner.parse(sql))).project();
      return planner.transform(0,
          logical.getTraitSet().replace(EnumerableConvention.INSTANCE), logical);
    }

    /** What the engine measured: rows per reported node and the latency. */
    record Run(Map<RelNode, Double> rowsByNode, double latencyMs) {
      boolean reports(RelNode rel) {
        return rowsByNode.containsKey(rel);
      }

      double rows(RelNode rel) {
        return rowsByNode.get(rel);
      }
    }

    Run execute(RelNode plan) throws SQLException {
      long start = System.nanoTime();
      Map<RelNode, Double> rows = new IdentityHashMap<>();
      count(plan, rows);
      return new Run(rows, (System.nanoTime() - start) / 1e6);
    }

    private void count(RelNode rel, Map<RelNode, Double> rows) throws SQLException {
      if (rel instanceof Aggregate a && a.getGroupSet().isEmpty()) {
        rows.put(rel, 1.0);
      } else if (rel instanceof JdbcToEnumerableConverter) {
        try (Connection h2 = TpchH2.dataSource().getConnection();
            Statement s = h2.createStatement();
            ResultSet rs = s.executeQuery("select count(*) from orders")) {
          rs.next();
          rows.put(rel, (double) rs.getLong(1));
        }
        return;
      }
      for (RelNode input : rel.getInputs()) {
        count(input, rows);
      }
    }
  }

  @Test
  void calciteDriver_connection_callsHandlers() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open();
        Connection c = TpchH2.connect(runtime, LoraMode.ON, false)) {
      assertThat(TpchH2.rows(c, TpchH2.QUERIES.get(2))).hasSize(5);
      assertThat(runtime.stats().rowCountCalls()).isPositive();
      assertThat(runtime.stats().costCalls()).isPositive();
      assertThat(runtime.stats().fallbacks()).isZero();
    }
  }

  @Test
  void jdbcDriverUrl_unknownMode_failsNamingTheProperty() {
    assertThatThrownBy(
            () -> DriverManager.getConnection("jdbc:calcite-lora:loraName=bad;loraMode=maybe"))
        .isInstanceOf(SQLException.class)
        .hasMessage("loraMode: mode must be one of off, shadow, on, got 'maybe'");
  }

  @Test
  void jdbcDriverUrl_missingStateFile_startsUntrainedAndSavesOnLastClose() throws Exception {
    Path missing = dir.resolve("model.lcfs");
    try (Connection c = DriverManager.getConnection(
        "jdbc:calcite-lora:loraModel=" + missing + ";loraMode=shadow")) {
      assertThat(c.isClosed()).isFalse();
      LoraRuntime runtime = LoraDriver.runtime(missing.toString()).orElseThrow();
      assertThat(runtime.loadProblem()).isNull();
      assertThat(runtime.model().scopedLoRA().totalAdaptCount()).isZero();
    }
    assertThat(LoraDriver.runtime(missing.toString())).isEmpty();
    assertThat(Files.exists(missing)).as("saved when the last connection closed").isTrue();
  }

  @Test
  void jdbcDriverUrl_oldAdapterSnapshot_isKeptAsideAndTheModelStartsUntrained()
      throws Exception {
    dev.learnedcost.engine.ScopedLoRA old = new dev.learnedcost.engine.ScopedLoRA(64, 1f, 1f);
    Path file = dir.resolve("trained.lora");
    old.save(file);
    try (Connection c = DriverManager.getConnection(
        "jdbc:calcite-lora:loraName=fromSnapshot;loraModel=" + file)) {
      LoraRuntime runtime = LoraDriver.runtime("fromSnapshot").orElseThrow();
      assertThat(runtime.loadProblem()).contains(file.toString())
          .contains("bare adapter snapshot").contains("kept as");
      assertThat(c.isClosed()).isFalse();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("trained.lora.damaged-"));
    }
  }

  @Test
  void readme_examples_areTheTestedCode() throws IOException {
    String readme = normalize(Files.readAllLines(README));
    List<String> source = Files.readAllLines(
        Path.of("src/test/java/dev/learnedcost/calcite/InstallTest.java"));
    for (String name : List.of("frameworks", "jdbc", "runtime", "feedback", "feedback-helper")) {
      int from = indexOfMarker(source, "README-" + name + "-begin");
      int to = indexOfMarker(source, "README-" + name + "-end");
      assertThat(from).as("marker of %s", name).isPositive();
      String snippet = normalize(source.subList(from + 1, to));
      assertThat(readme).as("README holds the %s example", name).contains(snippet);
    }
  }

  private static int indexOfMarker(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("// " + marker)) {
        return i;
      }
    }
    return -1;
  }

  private static String normalize(List<String> lines) {
    return lines.stream().map(String::strip).collect(Collectors.joining("\n"));
  }

  @Test
  void jdbcDriverUrl_learning_persistsTheLearnedStateAcrossARestart() throws Exception {
    Path file = dir.resolve("learned.lcfs");
    String url = "jdbc:calcite-lora:loraName=learning;loraLearn=true;loraSaveEvery=1;loraModel="
        + file;
    String sql = "select count(*) from tpch.customer where c_nationkey = 3";
    for (int restart = 0; restart < 2; restart++) {
      try (Connection c = DriverManager.getConnection(url)) {
        SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
        root.add("TPCH",
            ScanOnlyJdbcConvention.schema(root, "TPCH", TpchH2.dataSource(), null, "PUBLIC"));
        for (int i = 0; i < 2; i++) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
          }
        }
        LoraRuntime runtime = LoraDriver.runtime("learning").orElseThrow();
        assertThat(runtime.awaitIdle(java.time.Duration.ofSeconds(60))).isTrue();
        assertThat(runtime.stats().saves()).isPositive();
        QueryHistory history = runtime.history(sql).orElseThrow();
        // The history of the first run was loaded after the restart: it goes on counting.
        assertThat(history.planned()).isEqualTo(2L * (restart + 1));
        assertThat(history.stockRuns() + history.learnedRuns())
            .isGreaterThanOrEqualTo(2L * (restart + 1));
      }
      assertThat(LoraDriver.runtime("learning")).isEmpty();
    }
    assertThat(Files.exists(file)).isTrue();
    assertThat(LoraDriver.closeLearning("learning")).as("nothing open any more").isFalse();
  }

  @Test
  void jdbcDriverUrl_oneStateFile_oneRuntimeWhateverTheNames_aNameOneRuntimeAtATime()
      throws Exception {
    Path file = dir.resolve("shared.lcfs");
    Path other = dir.resolve("other.lcfs");
    try (Connection a = DriverManager.getConnection(
            "jdbc:calcite-lora:loraName=alpha;loraModel=" + file);
        Connection b = DriverManager.getConnection(
            "jdbc:calcite-lora:loraName=beta;loraModel=" + dir.resolve(".").resolve(
                "shared.lcfs"))) {
      assertThat(LoraDriver.runtime("alpha").orElseThrow())
          .isSameAs(LoraDriver.runtime("beta").orElseThrow());
      assertThatThrownBy(() -> DriverManager.getConnection(
              "jdbc:calcite-lora:loraName=alpha;loraModel=" + other))
          .isInstanceOf(SQLException.class)
          .hasMessage("loraName 'alpha' names the runtime of state file "
              + dir.toRealPath().resolve("shared.lcfs")
              + ", this connection asks for state file " + dir.toRealPath().resolve("other.lcfs")
              + "; use another loraName");
      assertThat(a.isClosed() || b.isClosed()).isFalse();
    }
    assertThat(LoraDriver.runtime("alpha")).isEmpty();
    assertThat(LoraDriver.runtime("beta")).isEmpty();
  }

  @Test
  void jdbcDriverUrl_badProperties_failNamingTheProperty() {
    assertThatThrownBy(() -> DriverManager.getConnection("jdbc:calcite-lora:loraName=x;loraLearn=yes"))
        .hasMessage("loraLearn must be true or false, got 'yes'");
    assertThatThrownBy(() -> DriverManager.getConnection(
            "jdbc:calcite-lora:loraName=x;loraLearn=true;loraSaveEvery=-2"))
        .hasMessage("loraSaveEvery must be an integer >= 0, got '-2'");
    assertThatThrownBy(() -> DriverManager.getConnection(
            "jdbc:calcite-lora:loraName=x;loraSaveOnExit=maybe"))
        .hasMessage("loraSaveOnExit must be true or false, got 'maybe'");
  }
}
