package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime as a reliability tester probes it: the sequences that used to lose state, leak or
 * mix connections' settings, each run the way it failed before.
 */
class RuntimeReliabilityTest {
  private static DataSource tiny;
  private static List<List<String>> expected;

  @TempDir Path dir;

  @BeforeAll
  static void data() throws SQLException {
    tiny = TinyH2.create("reliability");
    try (Connection stock = new org.apache.calcite.jdbc.Driver()
        .connect("jdbc:calcite:", TinyH2.properties())) {
      TinyH2.mount(stock, tiny);
      expected = TinyH2.rows(stock, TinyH2.QUERY);
    }
    assertThat(expected).hasSize(20);
  }

  private static Connection url(String url) throws SQLException {
    Connection c = DriverManager.getConnection(url, TinyH2.properties());
    TinyH2.mount(c, tiny);
    return c;
  }

  private static Connection of(LoraRuntime runtime, LoraMode mode, boolean learn)
      throws SQLException {
    Connection c = runtime.driver(mode, learn).connect("jdbc:calcite:", TinyH2.properties());
    TinyH2.mount(c, tiny);
    return c;
  }

  /** The per-scope adapter norms and the total adaptations: what training would change. */
  private static String modelState(LoraRuntime runtime) {
    return Arrays.toString(runtime.model().state()) + " "
        + runtime.model().scopedLoRA().totalAdaptCount();
  }

  // ---- per-connection settings ------------------------------------------------------------

  /**
   * A second connection of the same name in shadow mode does not switch the first out of mode
   * ON (the probe: 458 applied corrections became 0 applied and 458 shadow ones).
   */
  @Test
  void modes_twoConnectionsOfOneName_eachKeepItsOwn_evenConcurrently() throws Exception {
    String name = "modes-" + System.nanoTime();
    try (Connection on = url("jdbc:calcite-lora:loraName=" + name + ";loraMode=on");
        Connection shadow = url("jdbc:calcite-lora:loraName=" + name + ";loraMode=shadow")) {
      LoraRuntime runtime = LoraDriver.runtime(name).orElseThrow();
      // Trained a little, so that the handlers ask the model (an untrained one answers stock
      // in every mode without counting a correction).
      float[] x = new float[runtime.model().config().dim()];
      x[2] = 2f;
      runtime.model().train(OperatorScope.SeqScan, x, 0.1, Double.NaN);
      LoraStats before = runtime.stats();
      assertThat(TinyH2.rows(on, TinyH2.QUERY)).isEqualTo(expected);
      LoraStats afterOn = runtime.stats();
      assertThat(afterOn.rowCorrections()).isGreaterThan(before.rowCorrections());
      assertThat(afterOn.shadowCorrections()).isEqualTo(before.shadowCorrections());
      assertThat(TinyH2.rows(shadow, TinyH2.QUERY)).isEqualTo(expected);
      LoraStats afterShadow = runtime.stats();
      assertThat(afterShadow.shadowCorrections()).isGreaterThan(afterOn.shadowCorrections());
      assertThat(afterShadow.rowCorrections()).as("the shadow connection applied nothing")
          .isEqualTo(afterOn.rowCorrections());
      assertThat(afterShadow.costCorrections()).isEqualTo(afterOn.costCorrections());

      // Both at once, on two threads: each connection's plannings stay in its mode.
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (Connection c : List.of(on, shadow)) {
          runs.add(CompletableFuture.runAsync(() -> {
            try {
              start.await();
              for (int i = 0; i < 10; i++) {
                assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }, pool));
        }
        start.countDown();
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0]))
            .get(120, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      LoraStats end = runtime.stats();
      long onCorrections = afterOn.rowCorrections() - before.rowCorrections();
      long shadowCorrections = afterShadow.shadowCorrections() - afterOn.shadowCorrections();
      assertThat(end.rowCorrections() - afterShadow.rowCorrections())
          .as("ten more plannings in mode ON").isEqualTo(10 * onCorrections);
      assertThat(end.shadowCorrections() - afterShadow.shadowCorrections())
          .as("ten more plannings in mode SHADOW").isEqualTo(10 * shadowCorrections);
    }
  }

  // ---- lifecycle and registries --------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static int shutdownHooks() throws ReflectiveOperationException {
    Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
    Field f = hooks.getDeclaredField("hooks");
    f.setAccessible(true);
    synchronized (hooks) {
      return ((Map<Thread, Thread>) f.get(null)).size();
    }
  }

  /**
   * How many of {@code refs} still reach their object after up to ten full collections; between
   * collections it waits on {@code cleared} (where the collector enqueues the references it
   * clears) rather than for a fixed time.
   */
  private static long stillReachable(List<WeakReference<LoraRuntime>> refs,
      ReferenceQueue<LoraRuntime> cleared) throws InterruptedException {
    long alive = refs.size();
    for (int i = 0; i < 10 && alive > 0; i++) {
      System.gc();
      while (alive > 0 && cleared.remove(100) != null) {
        alive--;
      }
      alive = refs.stream().filter(r -> r.get() != null).count();
    }
    return alive;
  }

  private static long registeredDrivers() {
    return DriverManager.drivers().count();
  }

  /**
   * 1,000 runtimes opened and closed through the URL driver (each with a state file, so each
   * takes a lock, registers a shutdown hook and saves), every 50th running a learning query:
   * afterwards no registry entry, no hook, no extra registered driver, and not one of the
   * closed runtimes still reachable (the probe before the fix: 1,001 drivers and every runtime
   * held, +31 MB). Reachability, not used heap, is what is checked: Calcite's soft-valued
   * caches make the heap after {@code System.gc()} vary by a hundred megabytes between runs.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void thousandRuntimes_openedAndClosed_leaveNoEntryHookDriverOrRuntime() throws Exception {
    int hooksBefore = shutdownHooks();
    long driversBefore = registeredDrivers();
    List<WeakReference<LoraRuntime>> closed = new ArrayList<>();
    ReferenceQueue<LoraRuntime> cleared = new ReferenceQueue<>();
    for (int i = 0; i < 1_000; i++) {
      Path file = dir.resolve("r" + (i % 10) + ".lcfs");
      String name = "cycle-" + i;
      try (Connection c = url("jdbc:calcite-lora:loraName=" + name + ";loraLearn=true"
          + ";loraModel=" + file)) {
        assertThat(shutdownHooks()).isEqualTo(hooksBefore + 1);
        closed.add(new WeakReference<>(LoraDriver.runtime(name).orElseThrow(), cleared));
        if (i % 50 == 0) {
          assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
        }
      }
    }
    assertThat(RuntimeRegistry.INSTANCE.size()).as("runtimes the driver still holds").isZero();
    assertThat(shutdownHooks()).as("shutdown hooks left").isEqualTo(hooksBefore);
    assertThat(registeredDrivers()).as("registered JDBC drivers").isEqualTo(driversBefore);
    assertThat(stillReachable(closed, cleared))
        .as("closed runtimes still reachable of %d", closed.size())
        .isZero();
  }

  /**
   * The probe's stale save in one JVM: learn on a file, close the name's runtime while its
   * connection is open, reopen the file from a new connection, learn more, close everything:
   * the file holds the newer state (the closed runtime never writes again), and the old
   * connection's next statement moves to the current runtime instead of a closed one.
   */
  @Test
  void closeLearning_thenReopen_newerStateWins_andOldConnectionsMoveOn() throws Exception {
    Path file = dir.resolve("stale.lcfs");
    String url = "jdbc:calcite-lora:loraName=stale;loraLearn=true;loraModel=" + file;
    Connection a = url(url);
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(TinyH2.rows(a, TinyH2.QUERY)).isEqualTo(expected);
      }
      LoraRuntime first = LoraDriver.runtime("stale").orElseThrow();
      assertThat(LoraDriver.closeLearning("stale")).isTrue();
      assertThat(first.isClosed()).isTrue();
      try (Connection b = url(url)) {
        for (int i = 0; i < 3; i++) {
          assertThat(TinyH2.rows(b, TinyH2.QUERY)).isEqualTo(expected);
        }
        LoraRuntime second = LoraDriver.runtime("stale").orElseThrow();
        assertThat(second).isNotSameAs(first);
        // The old connection plans and learns with the current runtime.
        assertThat(TinyH2.rows(a, TinyH2.QUERY)).isEqualTo(expected);
        assertThat(second.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(second.history(TinyH2.QUERY).orElseThrow().planned()).isEqualTo(7);
        assertThat(first.stats().dropped()).isZero();
      }
    } finally {
      a.close();
    }
    assertThat(LoraDriver.runtime("stale")).isEmpty();
    try (LoraRuntime reopened = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThat(reopened.history(TinyH2.QUERY).orElseThrow().planned()).isEqualTo(7);
    }
  }

  /**
   * Learning connections opened and used while another thread keeps closing the name's runtime:
   * every statement completes, every connection's next statement plans with an open runtime,
   * and the driver holds nothing once all are closed (the probe: 13 drivers left bound to closed
   * loops, their executions silently dropped).
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void learningConnections_whileAnotherThreadClosesTheRuntime_noneBoundToAClosedOne()
      throws Exception {
    Path file = dir.resolve("race.lcfs");
    String url = "jdbc:calcite-lora:loraName=race;loraLearn=true;loraModel=" + file;
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger closes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Connection> stillOpen = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
        while (running.get()) {
          if (LoraDriver.closeLearning("race")) {
            closes.incrementAndGet();
          }
          Thread.onSpinWait();
        }
      }, pool);
      List<CompletableFuture<Integer>> users = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        users.add(CompletableFuture.supplyAsync(() -> {
          int statements = 0;
          try {
            for (int i = 0; i < 25; i++) {
              Connection c = url(url);
              assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
              statements++;
              if (i % 5 == 0) {
                stillOpen.add(c); // kept open across later closes
              } else {
                c.close();
              }
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          return statements;
        }, pool));
      }
      int statements = 0;
      for (CompletableFuture<Integer> u : users) {
        statements += u.get(150, TimeUnit.SECONDS);
      }
      running.set(false);
      closer.get(30, TimeUnit.SECONDS);
      assertThat(statements).isEqualTo(50);
      assertThat(closes.get()).as("the runtime was closed under the connections").isPositive();
      // Every connection kept open across the closes now plans with an open runtime and teaches
      // it: its statement is learned (processed), none dropped.
      for (Connection c : stillOpen) {
        assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
      }
      LoraRuntime current = LoraDriver.runtime("race").orElseThrow();
      assertThat(current.isClosed()).isFalse();
      assertThat(current.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(current.stats().processed()).isGreaterThanOrEqualTo(stillOpen.size());
      assertThat(current.stats().dropped()).isZero();
    } finally {
      running.set(false);
      for (Connection c : stillOpen) {
        c.close();
      }
      pool.shutdownNow();
    }
    assertThat(LoraDriver.runtime("race")).isEmpty();
    assertThat(RuntimeRegistry.INSTANCE.size()).isZero();
  }

  // ---- concurrency ---------------------------------------------------------------------------

  /**
   * Eight threads with their own learning connections on one runtime for 60 s: no exception, no
   * result different from stock Calcite's, and the counters add up (every execution handed to
   * the learner was processed or dropped, and each was a statement of a thread).
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void eightThreads_oneLearningRuntime_sixtySeconds_noErrorsAndCountersAddUp()
      throws Exception {
    long seconds = Long.getLong("reliability.concurrencySeconds", 60);
    String[] queries = {TinyH2.QUERY,
        "select count(*) as c from s.t where t.g = 3",
        "select u.name, max(t.k) as m from s.t join s.u on t.g = u.g group by u.name"
            + " order by u.name",
        "select t.g, count(*) as c from s.t where t.k between 100 and 900 group by t.g"
            + " order by t.g"};
    List<List<List<String>>> expectedRows = new ArrayList<>();
    try (Connection stock = new org.apache.calcite.jdbc.Driver()
        .connect("jdbc:calcite:", TinyH2.properties())) {
      TinyH2.mount(stock, tiny);
      for (String q : queries) {
        expectedRows.add(TinyH2.rows(stock, q));
      }
    }
    AtomicLong statements = new AtomicLong();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    try (LoraRuntime runtime = LoraRuntime.open()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        threads.add(CompletableFuture.runAsync(() -> {
          try (Connection c = of(runtime, LoraMode.ON, true)) {
            for (int i = 0; System.nanoTime() < end; i++) {
              int q = (id + i) % queries.length;
              List<List<String>> rows = TinyH2.rows(c, queries[q]);
              statements.incrementAndGet();
              if (!rows.equals(expectedRows.get(q))) {
                errors.add(new AssertionError("thread " + id + " query " + q + ": " + rows));
              }
            }
          } catch (Throwable e) {
            errors.add(e);
          }
        }, pool));
      }
      CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0]))
          .get(seconds + 120, TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(runtime.awaitIdle(Duration.ofSeconds(60))).isTrue();
      assertThat(errors).as("exceptions and wrong results").isEmpty();
      LoraStats s = runtime.stats();
      assertThat(s.received()).as("executions handed over, one per statement: %s", s)
          .isEqualTo(statements.get());
      assertThat(s.processed() + s.dropped()).isEqualTo(s.received());
      assertThat(s.failed()).isZero();
      assertThat(s.fallbacks()).isZero();
      assertThat(s.processed()).isPositive();
      assertThat(runtime.history().stream().mapToLong(QueryHistory::planned).sum())
          .as("guard plannings, one per statement").isEqualTo(statements.get());
    }
  }

  // ---- failing statements ----------------------------------------------------------------------

  /**
   * Malformed SQL, an unknown table, a division by zero, a cancelled statement and a timeout
   * through a learning connection: each a clean SQLException, the model unchanged, the
   * connection usable.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void failingStatements_cleanSqlException_modelUnchanged_connectionUsable() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().synchronous(true)
            .build());
        Connection c = of(runtime, LoraMode.ON, true)) {
      assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
      String model = modelState(runtime);
      String[] failing = {"select from where", "select * from s.no_such_table",
          "select k / (g - g) from s.t"};
      for (String sql : failing) {
        assertThatThrownBy(() -> TinyH2.rows(c, sql)).as(sql).isInstanceOf(SQLException.class);
        assertThat(modelState(runtime)).as("model after %s", sql).isEqualTo(model);
        assertThat(TinyH2.rows(c, "select count(*) from s.u")).containsExactly(List.of("20"));
        model = modelState(runtime);
      }
      // A long result (80 million rows), cancelled after its first row; then the same, cancelled
      // by a watchdog at a deadline, as a client's timeout is.
      String slow = "select a.k, b.k, c.g from s.t a, s.t b, s.u c";
      try (Statement st = c.createStatement(); var rs = st.executeQuery(slow)) {
        assertThat(rs.next()).isTrue();
        st.cancel();
        assertThatThrownBy(rs::next).isInstanceOf(SQLException.class)
            .hasMessageContaining("canceled");
      }
      assertThat(modelState(runtime)).as("model after the cancel").isEqualTo(model);
      java.util.concurrent.ScheduledExecutorService watchdog =
          Executors.newSingleThreadScheduledExecutor();
      try (Statement st = c.createStatement()) {
        watchdog.schedule(() -> {
          st.cancel();
          return null;
        }, 500, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> {
          try (var rs = st.executeQuery(slow)) {
            while (rs.next()) {
              rs.getLong(1);
            }
          }
        }).isInstanceOf(SQLException.class).hasMessageContaining("canceled");
      } finally {
        watchdog.shutdownNow();
      }
      assertThat(modelState(runtime)).as("model after the timeout").isEqualTo(model);
      assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
      assertThat(runtime.stats().failed()).isZero();
    }
  }

  // ---- the state file -----------------------------------------------------------------------

  @Test
  void damagedAndTruncatedFiles_areKeptAside_andTheRuntimeStartsOnStockEstimates()
      throws Exception {
    Path file = dir.resolve("learned.lcfs");
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
            .synchronous(true).build());
        Connection c = of(runtime, LoraMode.ON, true)) {
      for (int i = 0; i < 3; i++) {
        TinyH2.rows(c, TinyH2.QUERY);
      }
    }
    byte[] good = Files.readAllBytes(file);
    byte[][] bad = {Arrays.copyOf(good, good.length / 2), flip(good, good.length / 3),
        new byte[0], "not a state file".getBytes(StandardCharsets.UTF_8)};
    for (byte[] b : bad) {
      Files.write(file, b);
      try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
          .build())) {
        assertThat(runtime.loadProblem()).contains(file.toString()).contains("kept as");
        assertThat(runtime.model().scopedLoRA().totalAdaptCount()).isZero();
        assertThat(runtime.history()).isEmpty();
      }
      try (var listing = Files.list(dir)) {
        assertThat(listing.filter(p -> p.getFileName().toString()
            .startsWith("learned.lcfs.damaged-")).count()).isPositive();
      }
    }
  }

  private static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 0x40;
    return c;
  }

  /**
   * A state directory nobody may write: the runtime opens (unprotected by a lock, said once),
   * plans and learns; every save fails, is counted, and is logged once, not once per query.
   */
  @Test
  void readOnlyStateDirectory_runtimeWorks_saveFailuresCountedAndLoggedOnce() throws Exception {
    Path readOnly = readOnlyDirectory();
    Path file = readOnly.resolve("learned-" + System.nanoTime() + ".lcfs");
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
            .saveEvery(1).synchronous(true).build());
        Connection c = of(runtime, LoraMode.ON, true)) {
      for (int i = 0; i < 5; i++) {
        assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
      }
      assertThat(runtime.stats().saveFailures()).isEqualTo(5);
      assertThat(runtime.stats().saves()).isZero();
      assertThat(runtime.stats().processed()).isEqualTo(5);
    }
    String log = Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile",
        "target/test-log.txt")));
    long lines = log.lines()
        .filter(l -> l.contains("saving the learned state to " + file + " failed")).count();
    assertThat(lines).as("ERROR lines for six failed saves (five and the close)").isEqualTo(1);
    assertThat(Files.exists(file)).isFalse();
  }

  /**
   * A directory this process cannot write: a read-only directory, or, where the process ignores
   * permissions (root), {@code /proc/self}, where nobody may create files.
   */
  private Path readOnlyDirectory() throws IOException {
    Path d = Files.createDirectory(dir.resolve("read-only"));
    boolean chmod = d.toFile().setWritable(false, false);
    try {
      Files.createFile(d.resolve("probe")); // root writes anyway
    } catch (IOException expected) {
      if (chmod) {
        return d;
      }
    }
    Path proc = Path.of("/proc/self");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc),
        "no read-only directory here: permissions are not enforced and there is no /proc");
    return proc;
  }

  @Test
  void secondRuntimeOnTheSameFile_isRefusedNamingTheFile() {
    Path file = dir.resolve("one.lcfs");
    try (LoraRuntime first = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThatThrownBy(() -> LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
          .build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("already open by another runtime in this process");
      assertThat(first.isClosed()).isFalse();
    }
    try (LoraRuntime again = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThat(again.loadProblem()).isNull();
    }
  }

  @Test
  void closedRuntime_refusesNewWork_andStatementsSaySo() throws Exception {
    LoraRuntime runtime = LoraRuntime.open();
    Connection c = of(runtime, LoraMode.ON, true);
    assertThat(TinyH2.rows(c, TinyH2.QUERY)).isEqualTo(expected);
    runtime.close();
    runtime.close(); // idempotent
    assertThatThrownBy(() -> TinyH2.rows(c, TinyH2.QUERY)).isInstanceOf(SQLException.class)
        .hasStackTraceContaining("is closed; open a new one");
    assertThatThrownBy(() -> runtime.driver(LoraMode.ON, true))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    c.close();
  }

  @Test
  void scopeStats_ofADisabledScope_stayEmpty() throws Exception {
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
            .scopeEnabled(OperatorScope.SeqScan, false).synchronous(true).build());
        Connection c = of(runtime, LoraMode.ON, true)) {
      TinyH2.rows(c, TinyH2.QUERY);
      assertThat(runtime.scopeStats(OperatorScope.SeqScan).observations()).isZero();
      assertThat(runtime.scopeStats(OperatorScope.SeqScan).adaptations()).isZero();
    }
  }
}
