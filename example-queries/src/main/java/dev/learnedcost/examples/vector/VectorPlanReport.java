package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.calcite.vector.HnswScan;
import dev.learnedcost.calcite.vector.IvfFlatScan;
import dev.learnedcost.calcite.vector.VectorIndex;
import dev.learnedcost.calcite.vector.VectorTable;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultComparison;
import dev.learnedcost.examples.ResultTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;

/**
 * Recall and latency per plan for kNN queries: each query runs with the plan forced to the
 * exact scan, to the HNSW index and to the IVF-Flat index, and with the plan the planner
 * chooses (stock costs, and the learned model if given). Recall@k of a plan is the share of the
 * exact plan's k row ids (the first column) that it returns; the exact plan itself is checked
 * against H2's brute force.
 *
 * <p>Forcing: the exact plan mounts the tables without indexes; an index plan mounts them with
 * that index only and {@link VectorTable#withExactScanDiscouraged()}; with a learned model they
 * are planned with it (its costs, and its filter selectivity in an index scan's expected rows).
 * Latency: the median of
 * {@code repetitions} executions of one prepared statement after one warm-up execution, so
 * planning and Janino compilation (100 to 300 ms a query on a loaded 2-core machine, about the
 * same for every plan) do not hide the difference between the plans.
 */
public final class VectorPlanReport {
  /** How a plan was obtained. */
  public enum Variant {
    /** No index: scan, distance, sort, limit. */
    EXACT,
    /** Forced through the HNSW index. */
    HNSW,
    /** Forced through the IVF-Flat index. */
    IVF_FLAT,
    /** The stock planner's choice with every index available. */
    STOCK_CHOICE,
    /** The learned planner's choice with every index available. */
    LEARNED_CHOICE
  }

  /**
   * One measured plan.
   *
   * @param query the query's name
   * @param variant how the plan was obtained
   * @param plan the access path the plan used: {@code HnswScan}, {@code IvfFlatScan} or
   *     {@code exact}
   * @param medianMs median latency
   * @param recall recall@k against the exact plan, in [0, 1]
   * @param exactMatchesH2 for {@link Variant#EXACT}: whether the result equals H2's brute force;
   *     else whether it equals the exact plan's result
   * @param learnedCost the learned model's cumulative cost of the plan (weighted value),
   *     NaN without a learned model: the planner's view that the choice rests on
   * @param analyze the plan's last execution, node by node, estimates beside actuals
   *     ({@link ExecutedPlan#explain()}), empty without a learned model
   */
  public record Row(String query, Variant variant, String plan, double medianMs, double recall,
      boolean exactMatchesH2, double learnedCost, String analyze) {}

  private VectorPlanReport() {}

  /**
   * Measures every query under every variant.
   *
   * @param learned the learned model for {@link Variant#LEARNED_CHOICE}, or null to skip it
   */
  public static List<Row> measure(DemoDatabase db, List<Query> queries, int repetitions,
      LoraRuntime learned) throws SQLException, IOException {
    VectorCatalog catalog = VectorCatalog.of(db);
    List<Row> rows = new ArrayList<>();
    ResultComparator comparator = new ResultComparator();
    for (Query q : queries) {
      ResultTable h2;
      try (Connection c = db.connect()) {
        H2VectorFunctions.createAliases(c);
        h2 = run(c, q.sql());
      }
      // Forced plans are planned with the learned model when there is one, so that their
      // learned cost is the learned planner's view (an index scan's expected rows come from the
      // learned filter selectivity); the access path is forced either way.
      Measured exact = measure(db, catalog, learned, forced(Variant.EXACT), q, repetitions,
          learned);
      boolean exactOk = comparator.compare(h2, exact.result, q.ordered()).equal();
      Set<Object> exactIds = ids(exact.result);
      rows.add(new Row(q.name(), Variant.EXACT, exact.plan, exact.medianMs, 1.0, exactOk,
          exact.learnedCost, exact.analyze));
      for (Variant v : List.of(Variant.HNSW, Variant.IVF_FLAT, Variant.STOCK_CHOICE,
          Variant.LEARNED_CHOICE)) {
        if (v == Variant.LEARNED_CHOICE && learned == null) {
          continue;
        }
        Measured m = measure(db, catalog, v == Variant.STOCK_CHOICE ? null : learned,
            forced(v), q, repetitions, learned);
        ResultComparison same = comparator.compare(exact.result, m.result, q.ordered());
        rows.add(new Row(q.name(), v, m.plan, m.medianMs, recall(exactIds, ids(m.result)),
            same.equal(), m.learnedCost, m.analyze));
      }
    }
    return rows;
  }

  /**
   * Runs every query once with each forced access path (exact, HNSW, IVF-Flat), planned with the
   * learned model, and lets the runtime learn from each execution (without its regression
   * guard: these are forced plans, not the query's own): exploration after the report. The learned planner only ever executes
   * the plan it chooses, so an access path it never picked during the workload (often one of
   * the two indexes) would stay untrained; after this pass the model, and the state file saved
   * after it, has observed every access path of every query. Call it after {@link #measure}, so
   * the measured choices rest on the workload alone.
   *
   * @return the executions learned from
   */
  public static int explore(DemoDatabase db, List<Query> queries, LoraRuntime learned)
      throws SQLException, IOException {
    java.util.Objects.requireNonNull(learned, "learned");
    VectorCatalog catalog = VectorCatalog.of(db);
    int executions = 0;
    for (Query q : queries) {
      for (Variant v : List.of(Variant.EXACT, Variant.HNSW, Variant.IVF_FLAT)) {
        try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
                h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(),
                    learned.profilingProgram(LoraMode.ON, true))));
            Connection c = connect(db, catalog, learned, forced(v));
            Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(q.sql())) {
          ResultTable.read(rs);
          executions++;
        }
      }
    }
    return executions;
  }

  /** The table view that forces a variant's access path; the identity for the choices. */
  private static UnaryOperator<VectorTable> forced(Variant v) {
    return switch (v) {
      case EXACT -> t -> t.withIndexKinds(Set.of());
      case HNSW -> t -> t.withIndexKinds(EnumSet.of(VectorIndex.Kind.HNSW))
          .withExactScanDiscouraged();
      case IVF_FLAT -> t -> t.withIndexKinds(EnumSet.of(VectorIndex.Kind.IVF_FLAT))
          .withExactScanDiscouraged();
      default -> UnaryOperator.identity();
    };
  }

  private record Measured(ResultTable result, String plan, double medianMs, double learnedCost,
      String analyze) {}

  @SuppressWarnings("try") // the hook is closed, never referenced
  private static Measured measure(DemoDatabase db, VectorCatalog catalog, LoraRuntime model,
      UnaryOperator<VectorTable> view, Query q, int repetitions, LoraRuntime learned)
      throws SQLException {
    AtomicReference<RelNode> plan = new AtomicReference<>();
    Program capture = (planner, rel, traits, m, l) -> {
      plan.set(rel);
      return rel;
    };
    // Profiled only to print estimates beside actuals; nothing here is learned from.
    Program profile = learned == null ? Programs.sequence()
        : learned.profilingProgram(LoraMode.ON, false);
    try (Hook.Closeable ignored = Hook.PROGRAM.addThread((Holder<Program> h) ->
            h.set(Programs.sequence(h.get() != null ? h.get() : Programs.standard(), capture,
                profile)));
        Connection c = connect(db, catalog, model, view);
        PreparedStatement ps = c.prepareStatement(q.sql())) {
      ResultTable result;
      try (ResultSet rs = ps.executeQuery()) {
        result = ResultTable.read(rs);
      }
      double[] ms = new double[Math.max(1, repetitions)];
      for (int i = 0; i < ms.length; i++) {
        long t0 = System.nanoTime();
        try (ResultSet rs = ps.executeQuery()) {
          ResultTable.read(rs);
        }
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      double cost = Double.NaN;
      String analyze = "";
      if (learned != null) {
        cost = learned.trace(plan.get(), LoraMode.ON).learnedCost();
        try {
          learned.awaitIdle(java.time.Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        List<ExecutedPlan> recent = learned.recentExecutions();
        analyze = recent.isEmpty() ? "" : recent.get(recent.size() - 1).explain();
      }
      return new Measured(result, accessPath(plan.get()), ms[ms.length / 2], cost, analyze);
    }
  }

  private static Connection connect(DemoDatabase db, VectorCatalog catalog, LoraRuntime model,
      UnaryOperator<VectorTable> view) throws SQLException {
    Connection c = model == null
        ? new org.apache.calcite.jdbc.Driver().connect("jdbc:calcite:", new Properties())
        : model.driver(LoraMode.ON, false).connect("jdbc:calcite:", new Properties());
    CalciteConnection calcite = c.unwrap(CalciteConnection.class);
    SchemaPlus root = calcite.getRootSchema();
    String name = db.dataset().name().toUpperCase(Locale.ROOT);
    SchemaPlus schema = root.add(name,
        ScanOnlyJdbcConvention.schema(root, name, db.dataSource(), null, "PUBLIC"));
    catalog.mount(schema, view);
    calcite.setSchema(name);
    return c;
  }

  private static ResultTable run(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return ResultTable.read(rs);
    }
  }

  /** Returns {@code HnswScan}, {@code IvfFlatScan} (both, joined by +) or {@code exact}. */
  static String accessPath(RelNode rel) {
    Set<String> found = new java.util.TreeSet<>();
    collect(rel, found);
    return found.isEmpty() ? "exact" : String.join("+", found);
  }

  private static void collect(RelNode rel, Set<String> found) {
    if (rel == null) {
      return;
    }
    if (rel instanceof HnswScan) {
      found.add("HnswScan");
    } else if (rel instanceof IvfFlatScan) {
      found.add("IvfFlatScan");
    }
    for (RelNode in : rel.getInputs()) {
      collect(in, found);
    }
  }

  private static Set<Object> ids(ResultTable t) {
    Set<Object> ids = new HashSet<>();
    for (List<Object> row : t.rows()) {
      Object id = row.get(0);
      ids.add(id instanceof Number n ? (Object) n.longValue() : id);
    }
    return ids;
  }

  private static double recall(Set<Object> exact, Set<Object> got) {
    if (exact.isEmpty()) {
      return 1.0;
    }
    int hit = 0;
    for (Object id : got) {
      if (exact.contains(id)) {
        hit++;
      }
    }
    return (double) hit / exact.size();
  }

  /**
   * Prints the table: per query, every variant's plan, latency and recall, and whether each
   * planner's choice was the fastest plan of at least 0.95 recall.
   */
  public static void print(PrintWriter out, List<Row> rows) {
    out.printf(Locale.ROOT, "%nVector plans: recall@k against the exact plan, median latency%n");
    out.printf(Locale.ROOT, "  %-28s %-15s %-12s %10s %7s %12s  %s%n", "query", "variant",
        "plan", "ms", "recall", "learned cost", "check");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "  %-28s %-15s %-12s %10.2f %7.3f %12.4g  %s%n", r.query(),
          r.variant(), r.plan(), r.medianMs(), r.recall(), r.learnedCost(),
          r.variant() == Variant.EXACT
              ? (r.exactMatchesH2() ? "= H2 brute force" : "DIFFERS from H2 brute force")
              : (r.exactMatchesH2() ? "= exact" : "differs from exact"));
    }
    List<String> names = rows.stream().map(Row::query).distinct().toList();
    out.printf(Locale.ROOT, "%nPlan choice (fastest = lowest latency among plans with recall"
        + " >= 0.95)%n");
    for (String name : names) {
      List<Row> forced = rows.stream().filter(r -> r.query().equals(name)
          && r.variant().ordinal() <= Variant.IVF_FLAT.ordinal() && r.recall() >= 0.95).toList();
      Row fastest = forced.stream().min((a, b) -> Double.compare(a.medianMs(), b.medianMs()))
          .orElse(null);
      StringBuilder sb = new StringBuilder();
      for (Row r : rows) {
        if (r.query().equals(name) && r.variant().ordinal() > Variant.IVF_FLAT.ordinal()) {
          boolean best = fastest != null && r.plan().equals(fastest.plan());
          sb.append(String.format(Locale.ROOT, "  %s %s (%s)", r.variant(), r.plan(),
              best ? "fastest" : "not fastest"));
        }
      }
      out.printf(Locale.ROOT, "  %-28s fastest %-12s%s%n", name,
          fastest == null ? "-" : fastest.plan(), sb);
    }
    out.flush();
  }

  /** Prints each measured plan's last execution, estimates beside actuals, where profiled. */
  public static void printAnalyze(PrintWriter out, List<Row> rows) {
    for (Row r : rows) {
      if (!r.analyze().isEmpty()) {
        out.printf(Locale.ROOT, "%n%s %s (%s), learned cost %.4g:%n%s", r.query(), r.variant(),
            r.plan(), r.learnedCost(), r.analyze());
      }
    }
    out.flush();
  }
}
