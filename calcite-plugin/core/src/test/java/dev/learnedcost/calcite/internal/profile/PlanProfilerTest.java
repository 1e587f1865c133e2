package dev.learnedcost.calcite.internal.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.calcite.adapter.java.ReflectiveSchema;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.api.Test;

/** Per-operator actuals on the {@code jdbc:calcite:} path over an in-memory schema. */
class PlanProfilerTest {

  /** Rows for the reflective schema: 1,000 orders over 50 customers, 20 in region 3. */
  public static final class Shop {
    public final Customer[] customers = new Customer[50];
    public final Order[] orders = new Order[1000];

    public Shop() {
      for (int i = 0; i < customers.length; i++) {
        customers[i] = new Customer(i, i % 5 == 3 ? 3 : i % 5, "c" + i);
      }
      for (int i = 0; i < orders.length; i++) {
        orders[i] = new Order(i, (i * 7) % customers.length, (i % 100) * 1.5);
      }
    }
  }

  /** A customer row. */
  public static final class Customer {
    public final int id;
    public final int region;
    public final String name;

    Customer(int id, int region, String name) {
      this.id = id;
      this.region = region;
      this.name = name;
    }
  }

  /** An order row. */
  public static final class Order {
    public final int id;
    public final int customer;
    public final double amount;

    Order(int id, int customer, double amount) {
      this.id = id;
      this.customer = customer;
      this.amount = amount;
    }
  }

  private static Connection connect() throws SQLException {
    Properties info = new Properties();
    info.setProperty("lex", "JAVA");
    Connection c = DriverManager.getConnection("jdbc:calcite:", info);
    c.unwrap(CalciteConnection.class).getRootSchema()
        .add("shop", new ReflectiveSchema(new Shop()));
    return c;
  }

  private static Hook.Closeable profileWith(Consumer<ExecutionActuals> listener) {
    Program profiler = PlanProfiler.program(listener);
    return Hook.PROGRAM.addThread((Holder<Program> h) ->
        h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), profiler)));
  }

  private static List<List<Object>> run(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static final String JOIN_AGG =
      "select c.region, count(*) as n, sum(o.amount) as total\n"
          + "from shop.orders o join shop.customers c on o.customer = c.id\n"
          + "where o.amount > 30\n"
          + "group by c.region order by c.region";

  private static int indexOf(PlanProfile p, Class<?> type) {
    for (int i = 0; i < p.nodes().size(); i++) {
      if (type.isInstance(p.nodes().get(i))) {
        return i;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in profiled plan " + p.nodes());
  }

  private static int scanOf(PlanProfile p, String table) {
    for (int i = 0; i < p.nodes().size(); i++) {
      RelNode n = p.nodes().get(i);
      if (n instanceof TableScan t && t.getTable().getQualifiedName().contains(table)) {
        return i;
      }
    }
    throw new AssertionError("no scan of " + table + " in " + p.nodes());
  }

  private static int parentOf(PlanProfile p, int child) {
    for (int i = 0; i < p.nodes().size(); i++) {
      for (int c : p.children(i)) {
        if (c == child) {
          return i;
        }
      }
    }
    throw new AssertionError("node " + child + " has no parent in " + p.nodes());
  }

  @Test
  void joinAggregate_countsRowsPerOperatorAndKeepsResults() throws SQLException {
    List<List<Object>> stock = run(JOIN_AGG);
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    List<List<Object>> profiled;
    try (Hook.Closeable ignored = profileWith(seen::add)) {
      profiled = run(JOIN_AGG);
    }
    assertThat(profiled).isEqualTo(stock);
    assertThat(seen).hasSize(1);
    ExecutionActuals a = seen.get(0);
    PlanProfile p = a.profile();
    assertThat(a.complete()).isTrue();
    assertThat(a.of(0).rows()).isEqualTo(stock.size());

    // Scans: every row of their table (1,000 orders, 50 customers).
    List<Long> scanRows = new ArrayList<>();
    for (int i = 0; i < p.nodes().size(); i++) {
      if (p.nodes().get(i) instanceof TableScan) {
        scanRows.add(a.of(i).rows());
      }
    }
    assertThat(scanRows).containsExactlyInAnyOrder(1000L, 50L);
    // amount = (i % 100) * 1.5 > 30  <=>  i % 100 > 20: 79 of every 100 orders. The filter is
    // the parent of the orders scan (a Calc with a condition).
    int filter = parentOf(p, scanOf(p, "orders"));
    assertThat(p.nodes().get(filter).getRowType().getFieldNames()).contains("amount");
    assertThat(a.of(filter).rows()).as("filter %s", p.nodes().get(filter)).isEqualTo(790);
    assertThat(a.of(indexOf(p, Join.class)).rows()).isEqualTo(790);
    assertThat(a.of(indexOf(p, Aggregate.class)).rows()).isEqualTo(stock.size());

    long sumSelf = 0;
    for (OperatorActuals op : a.operators()) {
      assertThat(op.selfNanos()).isBetween(0L, op.inclusiveNanos());
      assertThat(op.opens()).isPositive();
      sumSelf += op.selfNanos();
    }
    assertThat(a.of(0).inclusiveNanos()).isLessThanOrEqualTo(a.wallNanos());
    assertThat(sumSelf).isLessThanOrEqualTo(a.of(0).inclusiveNanos());
  }

  @Test
  void everyExecution_reportsOnce() throws SQLException {
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    try (Hook.Closeable ignored = profileWith(seen::add); Connection c = connect();
        java.sql.PreparedStatement ps = c.prepareStatement(
            "select id from shop.customers where region = ?")) {
      for (int region = 0; region < 3; region++) {
        ps.setInt(1, region);
        try (ResultSet rs = ps.executeQuery()) {
          int n = 0;
          while (rs.next()) {
            n++;
          }
          assertThat(n).isEqualTo(10);
        }
      }
    }
    assertThat(seen).hasSize(3);
    assertThat(seen).allSatisfy(a -> {
      assertThat(a.of(0).rows()).isEqualTo(10);
      assertThat(a.of(indexOf(a.profile(), TableScan.class)).rows()).isEqualTo(50);
    });
  }

  @Test
  void closedEarly_reportsIncomplete() throws SQLException {
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    try (Hook.Closeable ignored = profileWith(seen::add); Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id, amount from shop.orders")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.next()).isTrue();
    }
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).complete()).isFalse();
    // The JDBC layer fetches a frame ahead, so the root produced at least the two rows read
    // and fewer than the table holds.
    assertThat(seen.get(0).of(0).rows()).isBetween(2L, 999L);
  }

  @Test
  void limit_stopsPullingItsInput_inputTruncatedRootNot() throws SQLException {
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    try (Hook.Closeable ignored = profileWith(seen::add)) {
      assertThat(run("select id from shop.orders fetch first 5 rows only")).hasSize(5);
    }
    ExecutionActuals a = seen.get(0);
    assertThat(a.complete()).isTrue();
    assertThat(a.of(0).truncated()).as("root of %s", a.profile().nodes()).isFalse();
    int scan = scanOf(a.profile(), "orders");
    // The limit stops after 5 rows: the scan below it was not read to its end, so its 5 rows
    // are what was asked for, not the table's 1,000.
    assertThat(a.of(scan).rows()).isLessThan(1000);
    assertThat(a.of(scan).truncated()).as("scan of %s", a.profile().nodes()).isTrue();
    assertThat(a.of(scan).exhaustedOpens()).isZero();
  }

  @Test
  void largeInput_beyondExactCalls_estimatesTimeFromSamples() throws SQLException {
    // A cross join of 1,000 x 50 rows: 50,000 moveNext calls at the join, well past EXACT_CALLS.
    String sql = "select count(*) from shop.orders o, shop.customers c where o.id + c.id > 10";
    List<ExecutionActuals> seen = new CopyOnWriteArrayList<>();
    try (Hook.Closeable ignored = profileWith(seen::add)) {
      assertThat(run(sql)).containsExactly(List.of(49_934L));
    }
    ExecutionActuals a = seen.get(0);
    int join = indexOf(a.profile(), Join.class);
    assertThat(a.of(join).rows()).isEqualTo(49_934L);
    // The join's time is an estimate from sampled calls, capped at the wall time (one sampled
    // call that caught a pause would otherwise count 16 times); the root (one row, two calls)
    // is timed exactly.
    assertThat(a.of(join).inclusiveNanos()).isPositive()
        .isLessThanOrEqualTo(a.wallNanos());
    assertThat(a.of(0).inclusiveNanos()).isLessThanOrEqualTo(a.wallNanos());
  }

  @Test
  void instrument_nonEnumerableRoot_throws() {
    assertThatThrownBy(() -> PlanProfiler.instrument(LogicalValues.createOneRow(
        org.apache.calcite.plan.RelOptCluster.create(
            new org.apache.calcite.plan.volcano.VolcanoPlanner(),
            new org.apache.calcite.rex.RexBuilder(
                new org.apache.calcite.jdbc.JavaTypeFactoryImpl()))), a -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("root must be an EnumerableRel (an optimized plan), got ");
  }
}
