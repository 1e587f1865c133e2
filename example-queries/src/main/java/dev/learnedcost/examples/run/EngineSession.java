package dev.learnedcost.examples.run;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.ScanOnlyJdbcConvention;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.VectorDataset;
import dev.learnedcost.examples.vector.H2VectorFunctions;
import dev.learnedcost.examples.vector.VectorCatalog;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultTable;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.plan.AbstractRelOptPlanner;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;

/**
 * One engine's connection to one data set, and timed execution on it.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Calcite connections mount the H2 database as a {@link ScanOnlyJdbcConvention} schema
 *       named after the data set in upper case ({@code TPCH}, {@code SKEW}) and make it the
 *       default schema, so the unqualified query text runs unchanged in H2 and in Calcite.</li>
 *   <li>Learning: the learned engine connects through the runtime's learning driver
 *       ({@link LoraRuntime#driver(LoraMode, boolean)}), which plans each statement inside its
 *       regression guard (the first execution of a query runs its stock plan as the baseline; a
 *       learned plan slower than it falls back to stock) and profiles it; after each
 *       execution the session waits until the runtime has learned from it, so the next query plans
 *       with the updated model. The wait is not timed.</li>
 *   <li>Timeouts: each statement runs on the session's worker thread while the caller waits for
 *       at most the timeout; then the caller calls {@link Statement#cancel()} (Calcite checks
 *       its flag between result rows; H2 cancels its own statement), sets the planner's cancel
 *       flag (see {@link Cancellation}), makes the H2 calls of the Calcite schema fail (see
 *       {@link CancellableDataSource}) and waits a grace period for the worker to notice. A
 *       worker that still does not stop is abandoned (a daemon thread) together with its
 *       connection, and the next statement gets a new worker and a new connection.</li>
 *   <li>Plans: {@link #explain} runs {@code EXPLAIN PLAN FOR} on the same connection and, through
 *       a pass-through program appended in {@code Hook.PROGRAM}, captures the optimized
 *       {@link RelNode} for the runtime's trace. Explaining is never profiled, so it teaches the
 *       model nothing.</li>
 * </ul>
 */
public final class EngineSession implements AutoCloseable {
  /** How long a cancelled statement may take to stop before it is abandoned. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
  /** How long the learner may take to digest one execution before the run goes on. */
  static final Duration LEARN_WAIT = Duration.ofSeconds(60);

  private final Engine engine;
  private final DemoDatabase database;
  private final LoraRuntime runtime;
  /** Whether the session waits for the runtime's learner after each execution. */
  private final boolean learning;
  /** The Calcite driver of {@link #calcite}, or null for the engine's own. */
  private final java.sql.Driver driver;
  private ExecutorService worker;
  private Connection connection;
  /** Set on timeout: fails the JDBC calls of the connection's Calcite schema. */
  private AtomicBoolean jdbcCancelled = new AtomicBoolean();

  /**
   * Creates a session; the connection is opened on first use.
   *
   * @param runtime the learned model's runtime; required for {@link Engine#LEARNED}, else
   *     ignored
   */
  public EngineSession(Engine engine, DemoDatabase database, LoraRuntime runtime) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.database = Objects.requireNonNull(database, "database");
    requireCalciteOrH2(engine);
    if (engine == Engine.LEARNED && runtime == null) {
      throw new IllegalArgumentException("the learned engine needs a runtime");
    }
    this.runtime = engine == Engine.LEARNED ? runtime : null;
    this.learning = engine == Engine.LEARNED;
    this.driver = engine == Engine.LEARNED ? runtime.driver(LoraMode.ON, true) : null;
  }

  private EngineSession(Engine kind, DemoDatabase database, java.sql.Driver driver,
      LoraRuntime runtime) {
    this.engine = kind;
    this.database = database;
    this.runtime = runtime;
    this.learning = runtime != null;
    this.driver = driver;
  }

  /**
   * Returns a session whose connections come from a Calcite driver of the caller's (an
   * evaluation's baselines: other metadata, another model), mounted like the engines' own.
   *
   * @param kind {@link Engine#STOCK} or {@link Engine#LEARNED}: how its runs are labelled
   * @param driver a {@code jdbc:calcite:} driver
   * @param runtime the runtime learning from the driver's executions, waited for after each
   *     one (as the learned engine does); null if it learns nothing
   * @throws IllegalArgumentException if {@code kind} is {@link Engine#H2}
   */
  public static EngineSession calcite(Engine kind, DemoDatabase database,
      java.sql.Driver driver, LoraRuntime runtime) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(driver, "driver");
    if (kind != Engine.STOCK && kind != Engine.LEARNED) {
      throw new IllegalArgumentException("kind must be a Calcite engine (stock or learned), got "
          + kind.label());
    }
    return new EngineSession(kind, database, driver, runtime);
  }

  private static void requireCalciteOrH2(Engine engine) {
    if (engine != Engine.H2 && engine != Engine.STOCK && engine != Engine.LEARNED) {
      throw new IllegalArgumentException("engine must be h2, stock or learned, got "
          + engine.label() + " (the Flink engines run in the example-queries/flink module)");
    }
  }

  /** Returns the engine. */
  public Engine engine() {
    return engine;
  }

  /** Returns the Calcite schema name of a data set: its name in upper case. */
  public static String schemaName(String dataset) {
    return dataset.toUpperCase(Locale.ROOT);
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = driver != null
          ? mount(driver.connect("jdbc:calcite:", new Properties()))
          : switch (engine) {
        case H2 -> h2();
        case STOCK -> mount(new org.apache.calcite.jdbc.Driver()
            .connect("jdbc:calcite:", new Properties()));
        case LEARNED -> throw new IllegalStateException("the learned engine has a driver");
        default -> throw new IllegalStateException("not an engine of this session: " + engine);
      };
    }
    return connection;
  }

  private Connection h2() throws SQLException {
    Connection c = database.connect();
    if (database.dataset() instanceof VectorDataset) {
      // H2 runs the vector queries by brute force: the exact reference.
      H2VectorFunctions.createAliases(c);
    }
    return c;
  }

  private Connection mount(Connection c) throws SQLException {
    CalciteConnection calcite = c.unwrap(CalciteConnection.class);
    SchemaPlus root = calcite.getRootSchema();
    String name = schemaName(database.dataset().name());
    SchemaPlus schema = root.add(name, ScanOnlyJdbcConvention.schema(root, name,
        CancellableDataSource.wrap(database.dataSource(), jdbcCancelled), null, "PUBLIC"));
    if (database.dataset() instanceof VectorDataset) {
      // The vector tables (in memory, with their indexes) hide the JDBC tables of the same
      // names; CATEGORIES stays a JDBC table.
      try {
        VectorCatalog.of(database).mount(schema);
      } catch (java.io.IOException e) {
        throw new SQLException("cannot open the vector indexes: " + e.getMessage(), e);
      }
    }
    calcite.setSchema(name);
    return c;
  }

  private ExecutorService worker() {
    if (worker == null) {
      worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "demo-" + engine.label() + "-" + database.dataset().name());
        t.setDaemon(true);
        return t;
      });
    }
    return worker;
  }

  /**
   * Runs a query, reads its whole result and, for the learned engine, lets the model learn
   * from it.
   *
   * @param round the round, recorded in the outcome
   * @param timeout the longest the execution may take
   * @return the outcome; never throws for a query that fails or times out
   */
  @SuppressWarnings("try") // the hook is closed, never referenced
  public QueryRun run(int round, Query query, Duration timeout) {
    String dataset = database.dataset().name();
    Cancellation current = new Cancellation();
    long[] elapsedNanos = {-1};
    long[] planNanos = {-1};
    long start = System.nanoTime();
    Timed<ResultTable> timed = timed(() -> {
      Connection c = connection();
      try (Hook.Closeable ignored = engine == Engine.H2 ? Hook.Closeable.EMPTY
              : programs(current, null)) {
        // Prepared apart from the execution, so that the planning time is known: Calcite
        // plans and compiles in prepareStatement, and executeQuery runs what it prepared.
        long t0 = System.nanoTime();
        try (PreparedStatement s = c.prepareStatement(
            engine == Engine.H2 ? query.h2Sql() : query.sql())) {
          planNanos[0] = System.nanoTime() - t0;
          current.statement = s;
          try (ResultSet rs = s.executeQuery()) {
            ResultTable table = ResultTable.read(rs);
            elapsedNanos[0] = System.nanoTime() - t0;
            return table;
          }
        }
      }
    }, current, timeout);
    double ms = (elapsedNanos[0] >= 0 ? elapsedNanos[0] : System.nanoTime() - start) / 1e6;
    double planMs = planNanos[0] >= 0 ? planNanos[0] / 1e6 : Double.NaN;
    if (learning) {
      awaitLearner();
    }
    return switch (timed.status()) {
      case OK -> new QueryRun(round, dataset, query.name(), engine, QueryRun.Status.OK, ms,
          planMs, timed.value(), ResultComparator.hash(timed.value(), query.ordered()), null);
      case TIMEOUT -> new QueryRun(round, dataset, query.name(), engine,
          QueryRun.Status.TIMEOUT, ms, planMs, null, null, "no result within "
              + timeout.toSeconds() + " s; cancelled"
              + (timed.abandoned() ? " (it did not stop: abandoned)" : ""));
      case FAILED -> new QueryRun(round, dataset, query.name(), engine, QueryRun.Status.FAILED,
          ms, planMs, null, null, timed.error());
    };
  }

  private void awaitLearner() {
    try {
      runtime.awaitIdle(LEARN_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A plan Calcite chose.
   *
   * @param text Calcite's {@code EXPLAIN PLAN FOR} text
   * @param rel the optimized plan, for the runtime's trace; null if it was not captured
   */
  public record Plan(String text, RelNode rel) {}

  /**
   * Returns the plan Calcite chooses for {@code query} now, or {@code null} for H2 or when
   * explaining fails or times out (the reason is then appended to {@code failure}).
   */
  @SuppressWarnings("try") // the hook is closed, never referenced
  public Plan explain(Query query, Duration timeout, StringBuilder failure) {
    if (engine == Engine.H2) {
      return null;
    }
    Cancellation current = new Cancellation();
    AtomicReference<RelNode> captured = new AtomicReference<>();
    Program capture = (planner, rel, traits, materializations, lattices) -> {
      captured.set(rel);
      return rel;
    };
    Timed<Plan> timed = timed(() -> {
      Connection c = connection();
      try (Hook.Closeable ignored = programs(current, capture);
          Statement s = c.createStatement()) {
        current.statement = s;
        StringBuilder text = new StringBuilder();
        try (ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + query.sql())) {
          while (rs.next()) {
            text.append(rs.getString(1));
          }
        }
        return new Plan(text.toString().strip(), captured.get());
      }
    }, current, timeout);
    if (timed.status() == TimedStatus.OK) {
      return timed.value();
    }
    failure.append(timed.status() == TimedStatus.TIMEOUT
        ? "EXPLAIN took longer than " + timeout.toSeconds() + " s" : timed.error());
    return null;
  }

  private enum TimedStatus { OK, TIMEOUT, FAILED }

  private record Timed<T>(TimedStatus status, T value, String error, boolean abandoned) {}

  /**
   * What a timeout cancels: the statement (Calcite checks its flag between result rows, H2
   * cancels its own statement) and the Volcano planner's cancel flag (checked before every rule
   * call). Calcite's {@code jdbc:calcite:} path gives the planner a fresh flag instead of the
   * statement's, so stock planning of a many-table join (minutes for TPC-H Q7) would not stop;
   * the flag is reached by reflection, and if that fails only the statement is cancelled.
   */
  static final class Cancellation {
    volatile Statement statement;
    volatile AtomicBoolean plannerFlag;
    volatile AtomicBoolean jdbcFlag;

    void cancel() {
      AtomicBoolean jdbc = jdbcFlag;
      if (jdbc != null) {
        jdbc.set(true);
      }
      AtomicBoolean flag = plannerFlag;
      if (flag != null) {
        flag.set(true);
      }
      Statement s = statement;
      if (s != null) {
        try {
          s.cancel();
        } catch (SQLException | RuntimeException e) {
          // Best effort: if cancel fails the worker is abandoned after the grace period.
        }
      }
    }
  }

  private static final Field PLANNER_CANCEL_FLAG = plannerCancelFlagField();

  private static Field plannerCancelFlagField() {
    try {
      Field f = AbstractRelOptPlanner.class.getDeclaredField("cancelFlag");
      f.setAccessible(true);
      return f.getType() == AtomicBoolean.class ? f : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Installs, for statements prepared on this thread, a program that records the planner's
   * cancel flag, then the standard program, then {@code after} (if not null).
   */
  private static Hook.Closeable programs(Cancellation cancellation, Program after) {
    Program watch = (planner, rel, traits, materializations, lattices) -> {
      if (PLANNER_CANCEL_FLAG != null && planner instanceof AbstractRelOptPlanner) {
        try {
          cancellation.plannerFlag = (AtomicBoolean) PLANNER_CANCEL_FLAG.get(planner);
        } catch (IllegalAccessException e) {
          // Field made accessible above; without it only the statement can be cancelled.
        }
      }
      return rel;
    };
    return Hook.PROGRAM.addThread((Holder<Program> h) -> {
      Program base = h.get() != null ? h.get() : Programs.standard();
      h.set(after == null ? Programs.sequence(watch, base)
          : Programs.sequence(watch, base, after));
    });
  }

  private <T> Timed<T> timed(Callable<T> task, Cancellation current, Duration timeout) {
    current.jdbcFlag = jdbcCancelled;
    Future<T> future = worker().submit(task);
    try {
      return new Timed<>(TimedStatus.OK, future.get(timeout.toNanos(), TimeUnit.NANOSECONDS),
          null, false);
    } catch (ExecutionException e) {
      return new Timed<>(TimedStatus.FAILED, null, describe(e.getCause()), false);
    } catch (TimeoutException e) {
      current.cancel();
      boolean stopped;
      try {
        future.get(CANCEL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        stopped = true;
      } catch (ExecutionException cancelled) {
        stopped = true;
      } catch (TimeoutException stillRunning) {
        stopped = false;
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        stopped = false;
      }
      if (stopped) {
        jdbcCancelled.set(false);
      } else {
        abandon();
      }
      return new Timed<>(TimedStatus.TIMEOUT, null, null, !stopped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      current.cancel();
      abandon();
      return new Timed<>(TimedStatus.FAILED, null, "interrupted", true);
    }
  }

  /**
   * Leaves a worker that does not stop, and its connection, behind; the next use starts anew.
   * The worker is not interrupted: an interrupt during H2 file I/O closes H2's file channel and
   * breaks the database for every connection.
   */
  private void abandon() {
    worker.shutdown();
    worker = null;
    connection = null;
    jdbcCancelled = new AtomicBoolean();
  }

  /** Returns a one-line description of a failure: its class and message, and the root cause. */
  public static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      sb.append(": ").append(firstLine(t.getMessage()));
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null
        && (t.getMessage() == null || !t.getMessage().contains(root.getMessage()))) {
      sb.append(" (cause: ").append(root.getClass().getSimpleName()).append(": ")
          .append(firstLine(root.getMessage())).append(')');
    }
    return sb.toString();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Closes the connection and lets the worker end (an abandoned one keeps running). */
  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Closing at the end of the run: nothing depends on it.
      }
      connection = null;
    }
    if (worker != null) {
      worker.shutdown();
      worker = null;
    }
  }
}
