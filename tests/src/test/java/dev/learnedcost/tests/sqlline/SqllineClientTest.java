package dev.learnedcost.tests.sqlline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.LoraDriver;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraStateFile;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.engine.OperatorScope;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sqlline.SqlLine;

/**
 * sqlline, the unmodified JDBC client from Maven Central, runs a script of queries on a
 * learning {@code jdbc:calcite-lora:} connection over a model file that names
 * {@code LoraJdbcSchemaFactory} on an H2 file database: every result is the database's own, and
 * when sqlline ends the session the state file holds what the model learned.
 *
 * <p>sqlline runs in this JVM, through {@link SqlLine#begin} (what {@code SqlLine.main} runs,
 * without its {@code System.exit}), with its output captured and an empty input stream, so it
 * never reads the test JVM's standard input. A child JVM would add a cold Calcite start (about
 * 20 s measured: Janino compiling the metadata handlers again) to CI for the same code path;
 * the child-JVM path a user types is {@link SqllineSession}, shown in the README.
 */
class SqllineClientTest {
  private static final List<String> QUERIES = List.of(
      "select c.segment, count(*) as orders from orders o join customer c on o.cust = c.id"
          + " where o.status = 'F' group by c.segment order by c.segment",
      "select count(*) as n from orders where amount between 100 and 200",
      "select c.nation, count(*) as orders, sum(o.amount) as total from customer c"
          + " join orders o on o.cust = c.id where c.segment = 'RETAIL'"
          + " group by c.nation order by c.nation");
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void scriptThroughSqlline_returnsTheDatabasesResults_andTheModelLearns() throws Exception {
    String h2 = "jdbc:h2:" + dir.resolve("shop") + ";OPTIMIZE_REUSE_RESULTS=FALSE";
    load(h2);
    Path model = SqllineSession.writeModel(dir.resolve("model.json"), "SHOP", h2, "sa", "");
    Path state = dir.resolve("learned.lcfs");
    String url = SqllineSession.url(model, state, "sqlline-test");
    StringBuilder script = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int round = 0; round < ROUNDS; round++) {
      for (String q : QUERIES) {
        script.append(q).append(";\n");
        expected.append(csv(h2, q));
      }
    }
    Path scriptFile = Files.writeString(dir.resolve("script.sql"), script);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SqlLine sqlline = new SqlLine();
    sqlline.setOutputStream(new PrintStream(out, true, StandardCharsets.UTF_8));
    sqlline.setErrorStream(new PrintStream(err, true, StandardCharsets.UTF_8));
    SqlLine.Status status = sqlline.begin(new String[] {"-u", url, "-n", "", "-p", "",
        "--run=" + scriptFile, "--outputformat=csv", "--silent=true"},
        new ByteArrayInputStream(new byte[0]), false);
    String errors = err.toString(StandardCharsets.UTF_8);

    assertThat(status).as(errors).isEqualTo(SqlLine.Status.OK);
    assertThat(out.toString(StandardCharsets.UTF_8)).as(errors).isEqualTo(expected.toString());

    // sqlline closed its connection, the runtime's last: it drained, saved and unregistered.
    assertThat(LoraDriver.runtime("sqlline-test")).isEmpty();
    assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(
        "dev.learnedcost:type=LoraRuntime,name=sqlline-test,*"), null)).isEmpty();
    assertThat(state).exists();
    LoraStateFile learned = LoraStateFile.open(state);
    assertThat(learned.isInUse()).isFalse();
    assertThat(learned.queries()).hasSize(QUERIES.size());
    for (String q : QUERIES) {
      QueryHistory h = learned.query(LoraRuntime.fingerprint(q)).orElseThrow();
      assertThat(h.planned()).as(q).isEqualTo(ROUNDS);
      // the guard's two stock baseline runs (a learned plan equal to stock counts as one too)
      assertThat(h.stockRuns()).as(q).isBetween(2L, (long) ROUNDS);
      assertThat(h.stockMedianMs()).as(q).isPositive();
    }
    LoraStateFile.ScopeState scans = learned.scope(OperatorScope.SeqScan);
    assertThat(scans.stats().observations()).isGreaterThanOrEqualTo(ROUNDS * 5L);
    assertThat(scans.adapterNorm()).isPositive();
    // H2 holds 400 customers and 6,000 orders; Calcite assumes 100 rows per JDBC table. The
    // learned scan estimates (made before each execution's training) beat the stock ones.
    assertThat(scans.stats().learnedRowError()).isLessThan(scans.stats().stockRowError());
    assertThat(learned.scope(OperatorScope.HashJoin).stats().observations()
        + learned.scope(OperatorScope.MergeJoin).stats().observations()
        + learned.scope(OperatorScope.NestedLoopJoin).stats().observations())
        .isGreaterThanOrEqualTo(2L * ROUNDS);
    assertThat(learned.calibrationObservations()).isPositive();
  }

  /** A small skewed shop: 400 customers (10% RETAIL), 6,000 orders (status F 1 in 20). */
  private static void load(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("create table customer (id int primary key, segment varchar(10),"
          + " nation varchar(10))");
      s.execute("create table orders (id int primary key, cust int, status char(1),"
          + " amount int)");
      s.execute("insert into customer select x, case when mod(x, 10) = 0 then 'RETAIL' else"
          + " 'OTHER' end, 'N' || mod(x, 7) from system_range(1, 400)");
      s.execute("insert into orders select x, mod(x * 13, 400) + 1, case when mod(x, 20) = 0"
          + " then 'F' else 'O' end, mod(x * 7, 500) from system_range(1, 6000)");
    }
  }

  /** The query's result from H2 itself, as sqlline prints CSV: a header line, then rows. */
  private static String csv(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        cells.add("'" + md.getColumnLabel(i) + "'");
      }
      StringBuilder b = new StringBuilder(String.join(",", cells)).append('\n');
      int rows = 0;
      while (rs.next()) {
        cells.clear();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          cells.add("'" + rs.getString(i) + "'");
        }
        b.append(String.join(",", cells)).append('\n');
        rows++;
      }
      assertThat(rows).as(sql).isPositive();
      return b.toString();
    }
  }
}
