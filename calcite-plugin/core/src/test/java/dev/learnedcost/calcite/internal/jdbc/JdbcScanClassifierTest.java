package dev.learnedcost.calcite.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.calcite.internal.ScopeResolver;
import dev.learnedcost.calcite.internal.profile.ExecutionActuals;
import dev.learnedcost.calcite.internal.profile.PlanProfiler;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcScanClassifierTest {
  private static DataSource h2;

  @BeforeAll
  static void createDatabase() throws SQLException {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:classifier;DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=FALSE");
    h2 = ds;
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE T (ID INT PRIMARY KEY, K INT, V INT)");
      s.execute("CREATE INDEX IDX_T_K ON T(K)");
      s.execute("INSERT INTO T SELECT X, MOD(X, 100), X * 3 FROM SYSTEM_RANGE(1, 5000)");
      s.execute("ANALYZE");
    }
  }

  /** Plans and runs {@code sql} over H2 and returns the JDBC converter of the plan. */
  private static JdbcToEnumerableConverter converterOf(String sql) throws SQLException {
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    Program profiler = PlanProfiler.program(seen::add);
    try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
            h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), profiler)));
        Connection c = DriverManager.getConnection("jdbc:calcite:")) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      root.add("H", JdbcSchema.create(root, "H", h2, null, "PUBLIC"));
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
    }
    for (RelNode n : seen.get(0).profile().nodes()) {
      if (n instanceof JdbcToEnumerableConverter conv) {
        return conv;
      }
    }
    throw new AssertionError("no JDBC fragment in " + seen.get(0).profile().nodes());
  }

  @Test
  void classify_indexedEquality_isIndexScan() throws SQLException {
    JdbcToEnumerableConverter conv = converterOf("select V from H.T where K = 7");
    assertThat(JdbcScanClassifier.pushedSql(conv.getInput())).get().asString()
        .contains("\"K\" = 7");
    assertThat(new JdbcScanClassifier().classify(conv)).isEqualTo(OperatorScope.IndexScan);
  }

  @Test
  void classify_unindexedPredicate_isSeqScan() throws SQLException {
    JdbcToEnumerableConverter conv = converterOf("select ID from H.T where V > 100");
    assertThat(new JdbcScanClassifier().classify(conv)).isEqualTo(OperatorScope.SeqScan);
  }

  @Test
  void fromH2Plan_readsTheAccessComments() {
    assertThat(JdbcScanClassifier.fromH2Plan(
        "SELECT \"V\" FROM \"PUBLIC\".\"T\" /* PUBLIC.IDX_T_K: K = 7 */ WHERE \"K\" = 7"))
        .isEqualTo(OperatorScope.IndexScan);
    assertThat(JdbcScanClassifier.fromH2Plan(
        "SELECT \"ID\" FROM \"PUBLIC\".\"T\" /* PUBLIC.T.tableScan */ WHERE \"V\" > 100"))
        .isEqualTo(OperatorScope.SeqScan);
    // index used for its order only: the whole table is read
    assertThat(JdbcScanClassifier.fromH2Plan(
        "SELECT \"ID\" FROM \"PUBLIC\".\"T\" /* PUBLIC.PRIMARY_KEY_5 */ ORDER BY 1"))
        .isEqualTo(OperatorScope.SeqScan);
  }

  @Test
  void standardResolver_givesIndexLookupsTheIndexScanAdapter_inPlanningAndLearning()
      throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().synchronous(true)
            .guardEnabled(false).build());
        Connection c = runtime.driver(LoraMode.ON, true).connect("jdbc:calcite:",
            new Properties())) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      root.add("H", ScanOnlyJdbcConvention.schema(root, "H", h2, null, "PUBLIC"));
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("select count(*) from H.T where K = 7")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(50);
        }
      }
      assertThat(runtime.scopeStats(OperatorScope.IndexScan).observations()).isEqualTo(3);
      assertThat(runtime.scopeStats(OperatorScope.SeqScan).observations()).isZero();
      assertThat(runtime.scopeStats(OperatorScope.IndexScan).adaptations()).isPositive();
      assertThat(runtime.scopeStats(OperatorScope.IndexScan).forwards()).isPositive();
    }
    assertThat(ScopeResolver.standard().mappings())
        .anyMatch(m -> m instanceof JdbcScanMapping);
  }
}
