package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.Programs;
import org.junit.jupiter.api.Test;

/**
 * Each install path reaches our handlers, and the README's two examples are these methods'
 * code, verbatim.
 */
class InstallTest {
  private static final Path README = Path.of("README.md");

  @Test
  void frameworks_readmeExample_callsHandlersAndExplains() throws Exception {
    DataSource dataSource = TpchH2.dataSource();
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    // README-frameworks-begin
    LoraCostModel model = LoraCostModel.create();
    SchemaPlus root = Frameworks.createRootSchema(true);
    root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", dataSource, null, "PUBLIC"));
    FrameworkConfig config = LoraCalcite.configure(Frameworks.newConfigBuilder()
        .defaultSchema(root).programs(Programs.standard()).build(), model);
    Planner planner = Frameworks.getPlanner(config);
    RelNode logical = planner.rel(planner.validate(planner.parse(
        "select c_name from tpch.customer where c_acctbal > 0"))).project();
    RelNode physical = planner.transform(0,
        logical.getTraitSet().replace(EnumerableConvention.INSTANCE), logical);
    out.println(LoraExplain.explain(physical, model));
    // README-frameworks-end

    assertThat(model.stats().handlerCalls()).isPositive();
    assertThat(model.stats().forwards()).isPositive();
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("mode=ON", "JdbcToEnumerableConverter", "[SeqScan]", "rows 100.0 x1.000");
  }

  @Test
  void jdbcDriverUrl_readmeExample_callsHandlersOfTheRegisteredModel() throws Exception {
    DataSource dataSource = TpchH2.dataSource();
    long count;
    // README-jdbc-begin
    Properties info = new Properties();
    info.setProperty("loraName", "demo");
    info.setProperty("loraMode", "on");
    try (Connection c = DriverManager.getConnection("jdbc:calcite-lora:", info)) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      root.add("TPCH", ScanOnlyJdbcConvention.schema(root, "TPCH", dataSource, null, "PUBLIC"));
      ResultSet rs = c.createStatement().executeQuery("select count(*) from tpch.customer");
      rs.next();
      count = rs.getLong(1);
    }
    LoraCostModel model = LoraModels.get("demo").orElseThrow();
    // README-jdbc-end

    assertThat(count).isEqualTo(1500);
    assertThat(model.config().mode()).isEqualTo(LoraMode.ON);
    assertThat(model.stats().handlerCalls()).isPositive();
    assertThat(model.stats().forwards()).isPositive();
    LoraModels.remove("demo");
  }

  @Test
  void calciteDriverWithPrepareFactory_connection_callsHandlers() throws Exception {
    LoraCostModel model = LoraCostModel.create();
    try (Connection c = TpchH2.connect(model)) {
      assertThat(TpchH2.rows(c, TpchH2.QUERIES.get(2))).hasSize(5);
    }
    assertThat(model.stats().rowCountCalls()).isPositive();
    assertThat(model.stats().costCalls()).isPositive();
    assertThat(model.stats().fallbacks()).isZero();
  }

  @Test
  void jdbcDriverUrl_unknownMode_failsNamingTheProperty() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DriverManager.getConnection("jdbc:calcite-lora:loraName=bad;loraMode=maybe"))
        .isInstanceOf(java.sql.SQLException.class)
        .hasMessage("loraMode: mode must be one of off, shadow, on, got 'maybe'");
  }

  @Test
  void jdbcDriverUrl_missingSnapshot_startsUntrainedModel() throws Exception {
    Path missing = Files.createTempDirectory("lora").resolve("model.lora");
    try (Connection c = DriverManager.getConnection(
        "jdbc:calcite-lora:loraModel=" + missing + ";loraMode=shadow")) {
      assertThat(c.isClosed()).isFalse();
    }
    LoraCostModel model = LoraModels.get(missing.toString()).orElseThrow();
    assertThat(model.config().mode()).isEqualTo(LoraMode.SHADOW);
    assertThat(model.scopedLoRA().totalAdaptCount()).isZero();
    LoraModels.remove(missing.toString());
  }

  @Test
  void jdbcDriverUrl_existingSnapshot_opensTrainedModel() throws Exception {
    LoraCostModel trained = LoraCostModel.create();
    float[] x = new float[trained.config().dim()];
    x[CostEmbedding.BIAS] = CostEmbedding.BIAS_VALUE;
    for (int i = 0; i < 12; i++) {
      trained.train(dev.learnedcost.engine.OperatorScope.HashJoin, x, Double.NaN, Math.log(3));
    }
    Path file = Files.createTempDirectory("lora").resolve("trained.lora");
    trained.save(file);

    try (Connection c = DriverManager.getConnection(
        "jdbc:calcite-lora:loraName=fromSnapshot;loraModel=" + file)) {
      assertThat(c.isClosed()).isFalse();
    }
    LoraCostModel opened = LoraModels.get("fromSnapshot").orElseThrow();
    assertThat(opened).isNotSameAs(trained);
    assertThat(opened.scopedLoRA().adaptCount(dev.learnedcost.engine.OperatorScope.HashJoin))
        .isEqualTo(12);
    assertThat(opened.correction(dev.learnedcost.engine.OperatorScope.HashJoin, x)[1])
        .isEqualTo(trained.correction(dev.learnedcost.engine.OperatorScope.HashJoin, x)[1]);
    LoraModels.remove("fromSnapshot");
  }

  @Test
  void metadataProvider_acrossConnections_isBuiltOnce() throws Exception {
    LoraCostModel model = LoraCostModel.create();
    Object first = model.metadataProvider();
    try (Connection a = TpchH2.connect(model); Connection b = TpchH2.connect(model)) {
      TpchH2.plan(a, TpchH2.QUERIES.get(3));
      TpchH2.plan(b, TpchH2.QUERIES.get(3));
    }
    assertThat(model.metadataProvider()).isSameAs(first);
  }

  @Test
  void readme_examples_areTheTestedCode() throws IOException {
    String readme = normalize(Files.readAllLines(README));
    List<String> source = Files.readAllLines(
        Path.of("src/test/java/dev/learnedcost/calcite/InstallTest.java"));
    for (String name : List.of("frameworks", "jdbc")) {
      int from = source.indexOf("    // README-" + name + "-begin");
      int to = source.indexOf("    // README-" + name + "-end");
      assertThat(from).as("marker of %s", name).isPositive();
      String snippet = normalize(source.subList(from + 1, to));
      assertThat(readme).as("README holds the %s example", name).contains(snippet);
    }
  }

  private static String normalize(List<String> lines) {
    return lines.stream().map(String::strip).collect(Collectors.joining("\n"));
  }

  @Test
  void jdbcDriverUrl_learning_persistsTheLearnedStateAcrossARestart() throws Exception {
    Path file = Files.createTempDirectory("lora").resolve("learned.lcfs");
    String url = "jdbc:calcite-lora:loraName=learning;loraLearn=true;loraSaveEvery=1;loraModel="
        + file;
    String sql = "select count(*) from tpch.customer where c_nationkey = 3";
    for (int restart = 0; restart < 2; restart++) {
      try (Connection c = DriverManager.getConnection(url)) {
        SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
        root.add("TPCH",
            ScanOnlyJdbcConvention.schema(root, "TPCH", TpchH2.dataSource(), null, "PUBLIC"));
        for (int i = 0; i < 2; i++) {
          try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
          }
        }
      }
      dev.learnedcost.calcite.feedback.FeedbackLoop loop = LoraDriver.loop("learning").orElseThrow();
      assertThat(loop.awaitIdle(java.time.Duration.ofSeconds(60))).isTrue();
      assertThat(loop.stats().saves()).isPositive();
      assertThat(LoraModels.get("learning")).containsSame(loop.model());
      var history = loop.guard().history(
          dev.learnedcost.calcite.feedback.QueryFingerprint.of(sql)).orElseThrow();
      // The history of the first run was loaded after the restart: it goes on counting.
      assertThat(history.planned()).isEqualTo(2L * (restart + 1));
      // Every completed run was recorded (a learned run whose plan is the stock plan counts for
      // both; with the learner thread, the second run may still be planned as the baseline).
      assertThat(history.stockRuns() + history.learnedRuns())
          .isGreaterThanOrEqualTo(2L * (restart + 1));
      assertThat(LoraDriver.closeLearning("learning")).isTrue();
    }
    assertThat(LoraDriver.loop("learning")).isEmpty();
    assertThat(Files.exists(file)).isTrue();
  }

  @Test
  void jdbcDriverUrl_badLearningProperties_failNamingTheProperty() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DriverManager.getConnection("jdbc:calcite-lora:loraName=x;loraLearn=yes"))
        .hasMessage("loraLearn must be true or false, got 'yes'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DriverManager.getConnection(
            "jdbc:calcite-lora:loraName=x;loraLearn=true;loraSaveEvery=-2"))
        .hasMessage("loraSaveEvery must be an integer >= 0, got '-2'");
  }
}
