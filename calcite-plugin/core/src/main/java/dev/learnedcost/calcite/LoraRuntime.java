package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.CalciteMetadata;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.LoraCostFactory;
import dev.learnedcost.calcite.internal.ScopeResolver;
import dev.learnedcost.calcite.internal.guard.QueryFingerprint;
import dev.learnedcost.calcite.internal.guard.RegressionGuard;
import dev.learnedcost.calcite.internal.learn.Learner;
import dev.learnedcost.calcite.internal.learn.Trainer;
import dev.learnedcost.calcite.internal.profile.ExecutionActuals;
import dev.learnedcost.calcite.internal.profile.OperatorActuals;
import dev.learnedcost.calcite.internal.profile.PlanProfile;
import dev.learnedcost.calcite.internal.profile.PlanProfiler;
import dev.learnedcost.calcite.internal.state.StateFile;
import dev.learnedcost.calcite.internal.state.StateLock;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.Trajectory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apache.calcite.jdbc.Driver;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a learned cost model: the adapters, the learner thread, the regression
 * guard, the cost calibration and the state file, built from one validated
 * {@link LoraRuntimeConfig} and closed once. Everything that plans with the model borrows it:
 * a Frameworks pipeline ({@link #configure}), {@code jdbc:calcite:} connections
 * ({@link #driver}), a pipeline with its own programs ({@link #program}, {@link #install}), an
 * engine with its own executor ({@link #trace}, {@link #learn}). HikariCP's
 * {@code HikariDataSource} is the pattern.
 *
 * <pre>{@code
 * try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder()
 *     .stateFile(Path.of("/var/lib/db/learned.lcfs")).build())) {
 *   Connection c = runtime.driver(LoraMode.ON, true).connect("jdbc:calcite:", info);
 *   ...                        // every statement plans with the model and teaches it
 * }                            // drains the learner and saves once
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@link #open} loads the state file when there is one (a damaged or old file is moved
 *       aside, named in {@link #loadProblem()}, and the runtime starts on stock estimates),
 *       deletes temporary files that killed saves left behind, and locks the file: one runtime
 *       per state file, in this process or any other.</li>
 *   <li>Saves: every {@code saveEvery} learned executions (on the learner thread), on
 *       {@link #save()}, and once on {@link #close()}. Each save is crash-safe (the old file or
 *       the complete new one). A failing save leaves the previous file intact and is logged once
 *       with its reason; further failures are counted ({@link LoraStats#saveFailures()}) and
 *       logged every 100th.</li>
 *   <li>{@link #close()}: stops accepting executions, lets the learner finish what is queued
 *       (up to {@code drainTimeout}), saves once, removes the shutdown hook (registered only
 *       with {@code saveOnShutdown}), releases the file lock. Idempotent; a second caller waits
 *       for the first to finish. After it, {@link #driver}, {@link #configure} and
 *       {@link #program} throw {@link IllegalStateException}, and statements of connections made
 *       from its driver fail with a message saying the runtime is closed; programs configured
 *       earlier keep planning with the model as it was, and nothing more is learned (executions
 *       handed over are dropped and counted).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Any number of planner threads plan concurrently (the adapters are read under a sequence lock
 * that never blocks a reader); one learner thread trains; executions are handed over through a
 * bounded queue that drops (and counts) rather than block a query. Per-connection settings, the
 * mode and whether to learn, belong to the connection or install, not to the runtime, so two
 * connections of one runtime can plan in different modes at the same time.
 */
public final class LoraRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoraRuntime.class);
  /** Save failures between two log lines after the first. */
  static final int SAVE_FAILURE_LOG_EVERY = 100;

  private final LoraRuntimeConfig config;
  private final LearnedModel model;
  private final Binding[] bindings = new Binding[LoraMode.values().length];
  private final RegressionGuard guard;
  private final Trainer trainer;
  private final Learner learner;
  private final @Nullable Path stateFile;
  private final @Nullable StateLock lock;
  private final @Nullable String loadProblem;
  private final ThreadLocal<int[]> stockPlanningDepth = ThreadLocal.withInitial(() -> new int[1]);
  private final ThreadLocal<QueryScope> currentQuery = new ThreadLocal<>();
  private final LongAdder incomplete = new LongAdder();
  private final LongAdder saves = new LongAdder();
  private final AtomicLong saveFailures = new AtomicLong();
  private final AtomicLong failuresSinceLastSave = new AtomicLong();
  private final AtomicLong learnedExecutions = new AtomicLong();
  private final Object saveLock = new Object();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final @Nullable Thread shutdownHook;
  /** The runtime's JMX MBeans; null when JMX is off or they could not be registered. */
  private final @Nullable RuntimeMBeans mbeans;
  private volatile LongSupplier nanoClock = System::nanoTime;
  /** The newest executions learned from, for EXPLAIN ANALYZE; guarded by itself. */
  private final java.util.ArrayDeque<ExecutedPlan> recent = new java.util.ArrayDeque<>();
  /** Executions kept in {@link #recentExecutions()}. */
  public static final int RECENT_EXECUTIONS = 32;

  private LoraRuntime(LoraRuntimeConfig requested) {
    Path file = requested.stateFile();
    StateLock acquired = null;
    StateFile.Loaded loaded;
    if (file != null) {
      acquired = StateLock.acquire(file);
      try {
        StateFile.cleanTemporaryFiles(file);
        loaded = StateFile.load(file, requested, requested.guardOptions());
      } catch (RuntimeException | Error e) {
        acquired.close();
        throw e;
      }
    } else {
      loaded = new StateFile.Loaded(StateFile.fresh(requested, requested.guardOptions()), null, 0);
    }
    StateFile.State state = loaded.state();
    this.model = state.model();
    this.config = model.config();
    this.stateFile = file;
    this.lock = acquired;
    this.loadProblem = loaded.problem();
    this.guard = state.guard();
    this.trainer = new Trainer(model, state.calibration(), state.statistics());
    this.learner = new Learner(config.queueCapacity(), config.synchronous(), "lora-learner"
        + (file == null ? "" : "-" + file.getFileName()));
    for (LoraMode m : LoraMode.values()) {
      bindings[m.ordinal()] = Binding.planning(model, m);
    }
    if (config.saveOnShutdown()) {
      Thread hook = new Thread(this::close, "lora-runtime-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      this.shutdownHook = hook;
    } else {
      this.shutdownHook = null;
    }
    // Last: the MBeans read this runtime as soon as they are registered.
    this.mbeans = config.jmxEnabled()
        ? RuntimeMBeans.register(this, config.name(), config.nameSet()) : null;
  }

  /**
   * Opens a runtime: loads its state file when the configuration names one (or starts
   * untrained), and locks it.
   *
   * @throws IllegalStateException if another runtime, in this process or another, has the
   *     state file open
   */
  public static LoraRuntime open(LoraRuntimeConfig config) {
    return new LoraRuntime(Objects.requireNonNull(config, "config"));
  }

  /** Opens an in-memory runtime with the defaults. */
  public static LoraRuntime open() {
    return open(LoraRuntimeConfig.defaults());
  }

  /**
   * Returns the configuration in effect: the one given to {@link #open}, with the dimension,
   * alpha and learning rate of the loaded state file when there was one.
   */
  public LoraRuntimeConfig config() {
    return config;
  }

  /** Returns why the state file could not be loaded (and where it was kept), or null. */
  public @Nullable String loadProblem() {
    return loadProblem;
  }

  /** Returns the runtime's name ({@link LoraRuntimeConfig#name()}). */
  public String name() {
    return config.name();
  }

  /**
   * Returns the JMX name of the runtime's MBean while it is open
   * ({@code dev.learnedcost:type=LoraRuntime,name=<name>}, with {@code ,instance=<n>} when
   * another open runtime has the name; its scopes' MBeans add {@code ,scope=<Scope>}), or
   * empty when JMX is off, the MBeans could not be registered, or the runtime is closed.
   */
  public Optional<javax.management.ObjectName> objectName() {
    return mbeans == null || isClosed() ? Optional.empty() : Optional.of(mbeans.objectName());
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closing.get();
  }

  void checkOpen() {
    if (closing.get()) {
      throw new IllegalStateException("this LoraRuntime"
          + (stateFile == null ? "" : " (" + stateFile + ")") + " is closed; open a new one");
    }
  }

  // ---- install points ---------------------------------------------------------------------

  /**
   * Returns {@code frameworkConfig} with the plugin's cost factory and every program wrapped so
   * that it first installs the model's metadata, in the configuration's default mode, on the
   * cluster it optimizes (with no programs, {@link Programs#standard()} is wrapped).
   */
  public FrameworkConfig configure(FrameworkConfig frameworkConfig) {
    return configure(frameworkConfig, config.mode());
  }

  /** {@link #configure(FrameworkConfig)} in a given mode. */
  public FrameworkConfig configure(FrameworkConfig frameworkConfig, LoraMode mode) {
    Objects.requireNonNull(frameworkConfig, "frameworkConfig");
    Objects.requireNonNull(mode, "mode");
    checkOpen();
    return FrameworksInstall.configure(this, frameworkConfig, mode);
  }

  /**
   * Returns a program that installs the model's metadata in {@code mode} on the cluster of the
   * plan it is given, then runs {@code delegate}; the planner must use {@link #costFactory()}.
   */
  public Program program(LoraMode mode, Program delegate) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(delegate, "delegate");
    checkOpen();
    return (planner, rel, requiredOutputTraits, materializations, lattices) -> {
      install(rel, mode);
      return delegate.run(planner, rel, requiredOutputTraits, materializations, lattices);
    };
  }

  /**
   * Makes the cluster of {@code rel} answer row count and cost through the model in
   * {@code mode}; does nothing in mode OFF and while the guard plans stock on this thread.
   */
  public void install(RelNode rel, LoraMode mode) {
    installOn(rel.getCluster(), mode);
  }

  void installOn(RelOptCluster cluster, LoraMode mode) {
    installOn(cluster, binding(mode));
  }

  void installOn(RelOptCluster cluster, Binding binding) {
    if (binding.mode() != LoraMode.OFF && !isStockPlanning()) {
      CalciteMetadata.install(cluster, binding);
    }
  }

  /**
   * Returns the cost factory a planner using the model needs: it weighs cpu and io, where
   * Calcite's {@code VolcanoCost} compares rows only (see the module README).
   */
  public RelOptCostFactory costFactory() {
    return LoraCostFactory.INSTANCE;
  }

  /** {@link #driver(LoraMode, boolean)} in the default mode, learning. */
  public Driver driver() {
    return driver(config.mode(), true);
  }

  /**
   * Returns a {@code jdbc:calcite:} driver whose connections plan with the model in
   * {@code mode} and, with {@code learn}, learn from every SQL statement they execute: each is
   * planned inside {@link #beginQuery} (the regression guard may choose stock costs for it) and
   * its plan is profiled. Connections that do not learn still follow the guard's fallbacks. Not
   * registered with {@code DriverManager}; call {@code connect("jdbc:calcite:...", info)}.
   */
  public Driver driver(LoraMode mode, boolean learn) {
    Objects.requireNonNull(mode, "mode");
    checkOpen();
    return new Driver().withPrepareFactory(() -> {
      checkOpen(); // statements of connections made earlier fail once the runtime is closed
      return new LoraPrepare(this, mode, learn);
    });
  }

  // ---- the regression guard ----------------------------------------------------------------

  /**
   * Starts preparing one execution of a query: asks the regression guard how to plan it and,
   * for a stock choice, makes the install points on this thread plan stock until the scope is
   * closed. Plans profiled by {@link #profilingProgram} on this thread until then belong to the
   * query.
   */
  public QueryScope beginQuery(String sql) {
    Objects.requireNonNull(sql, "sql");
    String shape = QueryFingerprint.normalize(sql);
    String fingerprint = QueryFingerprint.ofShape(shape);
    PlanChoice choice = guard.choose(fingerprint, shape, model::state);
    StockPlanning stock = choice.isStock() ? stockPlanning() : null;
    QueryScope q = new QueryScope(this, fingerprint, shape, choice, nanoClock.getAsLong(), stock,
        currentQuery.get());
    currentQuery.set(q);
    return q;
  }

  /** Ends a scope: records the preparation's time with the guard. */
  void endPreparation(QueryScope q, long startNanos) {
    try {
      guard.recordPreparation(q.fingerprint(), q.shape(), q.choice(),
          Math.max(0, nanoClock.getAsLong() - startNanos) / 1e6, model::state);
    } finally {
      QueryScope outer = q.outer();
      if (outer == null) {
        currentQuery.remove();
      } else {
        currentQuery.set(outer);
      }
    }
  }

  /**
   * For a connection that plans with the model but does not learn: plans stock on this thread
   * while the returned handle is open if the guard holds the query on its stock plan, else
   * changes nothing. Records nothing.
   */
  StockPlanning followGuard(String sql) {
    String fingerprint = QueryFingerprint.of(sql);
    return guard.isGuarded(fingerprint) ? stockPlanning() : StockPlanning.NONE;
  }

  /** Undoes {@link #stockPlanning()}; closing twice does nothing. */
  abstract static class StockPlanning implements AutoCloseable {
    static final StockPlanning NONE = new StockPlanning() {
      @Override
      public void close() {}
    };

    @Override
    public abstract void close();
  }

  /** Makes plannings on this thread stock until the handle is closed; nests. */
  StockPlanning stockPlanning() {
    int[] depth = stockPlanningDepth.get();
    depth[0]++;
    return new StockPlanning() {
      private boolean done;

      @Override
      public void close() {
        if (!done) {
          done = true;
          depth[0]--;
        }
      }
    };
  }

  /** Returns whether plannings on this thread now plan with stock costs. */
  boolean isStockPlanning() {
    return stockPlanningDepth.get()[0] > 0;
  }

  /** Replaces the clock that times preparations (tests: a preparation of any length). */
  void nanoClock(LongSupplier clock) {
    this.nanoClock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Returns the fingerprint of a query: the first 16 hex digits of the SHA-256 of its shape
   * (literals replaced by {@code ?}, comments dropped, case folded outside quoted identifiers,
   * white space collapsed), so executions with other constants share a history.
   */
  public static String fingerprint(String sql) {
    return QueryFingerprint.of(sql);
  }

  // ---- tracing and learning -----------------------------------------------------------------

  /** {@link #trace(RelNode, LoraMode)} in the default mode. */
  public PlanTrace trace(RelNode root) {
    return trace(root, config.mode());
  }

  /**
   * Traces a plan: per node its scope, the engine's estimates, the corrections the model
   * computes (whatever the mode: in OFF and SHADOW they are what it would apply) and the
   * embeddings they come from, with the inputs' row counts as a planning in {@code mode} sees
   * them. {@link PlanTrace#toString()} is the plugin's EXPLAIN.
   */
  public PlanTrace trace(RelNode root, LoraMode mode) {
    Objects.requireNonNull(root, "root");
    return Tracer.trace(root, binding(mode));
  }

  /**
   * Traces a plan of an engine with its own metadata (engine adapters, such as Flink's): as
   * {@link #trace(RelNode, LoraMode)}, with the engine's queries; the engine's handlers must take
   * their factors from {@link #engineCorrections(LoraMode)} in the same mode.
   */
  public PlanTrace trace(RelNode root, LoraMode mode, EngineMetadata engine) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(engine, "engine");
    return Tracer.trace(root, binding(mode), engine);
  }

  /**
   * Returns the learned corrections in {@code mode} for an engine's own metadata handlers (engine
   * adapters): the engine's estimate times the factor. They follow this runtime's guard (factor
   * 1 while a query on the calling thread plans stock) and record into traces.
   */
  public EngineCorrections engineCorrections(LoraMode mode) {
    return new EngineCorrections(this, Objects.requireNonNull(mode, "mode"));
  }

  /**
   * Returns the scope whose adapter corrects {@code rel} (through the built-in table, the name
   * patterns and the {@link ScopeMapping} services on the class path), or null when none does.
   */
  public static @Nullable OperatorScope scopeOf(RelNode rel) {
    Objects.requireNonNull(rel, "rel");
    // As the model's corrected scope: the nodes inside a JDBC fragment are corrected at the
    // converter above them.
    return rel.getConvention() instanceof org.apache.calcite.adapter.jdbc.JdbcConvention
        ? null : ScopeResolver.standard().resolve(rel);
  }

  /**
   * Returns how the built-in rules decide the scope of a node class, ignoring the
   * {@link ScopeMapping} services: its scope or rule and where the decision comes from, such as
   * {@code HashJoin (CORE_TABLE)} or {@code Aggregate (NAME_PATTERN)}. For engine adapters'
   * tests and documentation of their node classes.
   */
  public static String builtInScopeRule(Class<? extends RelNode> type) {
    return ScopeResolver.standard().decision(Objects.requireNonNull(type, "type")).toString();
  }

  /**
   * Learns from one execution an engine ran itself, off the caller's thread: when the plan was
   * made in a {@link QueryScope}, its latency goes to the query's regression guard; when it
   * completed, every node of an enabled scope trains the model. Never blocks: with a full
   * queue the execution is dropped and counted ({@link LoraStats#dropped()}).
   *
   * @throws IllegalArgumentException if the plan's query scope belongs to another runtime
   */
  public void learn(ExecutedPlan plan) {
    Objects.requireNonNull(plan, "plan");
    if (plan.query() != null && plan.query().runtime() != this) {
      throw new IllegalArgumentException("plan.query() belongs to another LoraRuntime");
    }
    learner.offer(() -> process(plan));
  }

  /** {@link #profilingProgram(LoraMode, boolean)} in the default mode, learning. */
  public Program profilingProgram() {
    return profilingProgram(config.mode(), true);
  }

  /**
   * Returns a program that profiles an optimized Enumerable plan for this runtime, to append
   * after a pipeline's programs ({@code Programs.sequence(Programs.standard(), profiling)}). Each
   * execution of the plan is traced (in {@code mode}) and kept in {@link #recentExecutions()};
   * with {@code learn} it also teaches the model, and a plan made inside a {@link QueryScope} on
   * the same thread belongs to that query (its latency goes to the guard). Without
   * {@code learn} it is EXPLAIN ANALYZE only: nothing changes. Plans that are not Enumerable
   * pass through unchanged.
   */
  public Program profilingProgram(LoraMode mode, boolean learn) {
    Objects.requireNonNull(mode, "mode");
    return PlanProfiler.programPerPlan(rel -> {
      QueryScope q = learn ? currentQuery.get() : null;
      long planHash = Tracer.planHash(rel);
      return actuals -> learner.offer(() -> processCalcite(actuals, q, planHash, mode, learn));
    });
  }

  /** An Enumerable execution: traced here, on the learner thread, then learned from. */
  private void processCalcite(ExecutionActuals actuals, @Nullable QueryScope q, long planHash,
      LoraMode mode, boolean learn) {
    double ms = actuals.wallNanos() / 1e6;
    if (!learn) {
      List<NodeTrace> traces = Tracer.traceNodes(actuals.profile().nodes(), binding(mode));
      remember(new ExecutedPlan(null, planHash, executed(0, actuals.profile(), actuals, traces),
          ms, actuals.complete()));
      return;
    }
    if (!actuals.complete()) {
      incomplete.increment();
      if (q != null) {
        guard.recordIncomplete(q.fingerprint(), q.shape(), q.choice(), planHash, ms,
            model::state);
      }
      afterExecution();
      return;
    }
    PlanProfile p = actuals.profile();
    List<NodeTrace> traces = Tracer.traceNodes(p.nodes(), binding(mode));
    ExecutedNode root = executed(0, p, actuals, traces);
    process(new ExecutedPlan(q, planHash, root, ms, true));
  }

  private static ExecutedNode executed(int i, PlanProfile p, ExecutionActuals actuals,
      List<NodeTrace> traces) {
    OperatorActuals a = actuals.of(i);
    double opens = Math.max(1, a.opens());
    int[] children = p.children(i);
    List<ExecutedNode> inputs = new ArrayList<>(children.length);
    for (int c : children) {
      inputs.add(executed(c, p, actuals, traces));
    }
    return new ExecutedNode(traces.get(i), a.rows() / opens, a.selfNanos() / 1e6 / opens,
        a.truncated(), inputs);
  }

  private void remember(ExecutedPlan plan) {
    synchronized (recent) {
      if (recent.size() == RECENT_EXECUTIONS) {
        recent.removeFirst();
      }
      recent.addLast(plan);
    }
  }

  private void process(ExecutedPlan plan) {
    remember(plan);
    QueryScope q = plan.query();
    if (!plan.complete()) {
      incomplete.increment();
      if (q != null) {
        guard.recordIncomplete(q.fingerprint(), q.shape(), q.choice(), plan.planHash(),
            plan.latencyMs(), model::state);
      }
    } else {
      if (q != null) {
        guard.record(q.fingerprint(), q.shape(), q.choice(), plan.planHash(), plan.latencyMs(),
            model::state);
      }
      trainer.learn(plan, q == null ? 0 : q.choice().ordinal());
    }
    afterExecution();
  }

  private void afterExecution() {
    long n = learnedExecutions.incrementAndGet();
    int every = config.saveEvery();
    if (stateFile != null && every > 0 && n % every == 0) {
      saveQuietly();
    }
  }

  /**
   * Waits until every execution handed over so far has been learned from (or dropped), or the
   * timeout passes.
   *
   * @return true if the learner caught up
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return learner.awaitIdle(Objects.requireNonNull(timeout, "timeout"));
  }

  // ---- state ------------------------------------------------------------------------------

  /**
   * Saves the learned state to the state file now, crash-safely.
   *
   * @throws IllegalStateException if the runtime has no state file or is closed
   * @throws IOException if writing fails (the previous file is then intact)
   */
  public void save() throws IOException {
    if (stateFile == null) {
      throw new IllegalStateException("this LoraRuntime has no state file: build it with"
          + " LoraRuntimeConfig.builder().stateFile(path) to save");
    }
    checkOpen();
    saveNow();
  }

  private void saveNow() throws IOException {
    synchronized (saveLock) {
      StateFile.save(stateFile, new StateFile.State(model, trainer.calibration(), guard,
          trainer.statistics()));
      saves.increment();
      long failedBefore = failuresSinceLastSave.getAndSet(0);
      if (failedBefore > 0) {
        LOG.info("saved the learned state to {} again after {} failed save(s)", stateFile,
            failedBefore);
      }
    }
  }

  private void saveQuietly() {
    try {
      saveNow();
    } catch (IOException | RuntimeException e) {
      long total = saveFailures.incrementAndGet();
      long run = failuresSinceLastSave.incrementAndGet();
      if (run == 1) {
        LOG.error("saving the learned state to {} failed: {}; the previous file is intact, the"
            + " next save tries again (further failures are counted and logged every {}th)",
            stateFile, e.toString(), SAVE_FAILURE_LOG_EVERY);
      } else if (run % SAVE_FAILURE_LOG_EVERY == 0) {
        LOG.error("saving the learned state to {} still fails: {} failures in a row ({} in"
            + " all), last: {}", stateFile, run, total, e.toString());
      }
    }
  }

  /**
   * Closes the runtime: stops accepting executions, lets the learner finish what is queued,
   * saves the state once (when there is a state file), removes the shutdown hook and releases
   * the state file. Idempotent; concurrent callers return when the first has finished. Never
   * throws: a failing save is logged and counted, and the previous file stays intact.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      if (!learner.close(config.drainTimeout())) {
        LOG.warn("the learner did not drain its queue within {}; {} execution(s) were not"
            + " learned from", config.drainTimeout(), learner.counters()[2]);
      }
      if (stateFile != null) {
        saveQuietly();
      }
    } finally {
      if (mbeans != null) {
        mbeans.unregister();
      }
      removeShutdownHook();
      if (lock != null) {
        lock.close();
      }
      closed.countDown();
    }
  }

  private void awaitClosed() {
    if (Thread.currentThread() == shutdownHook) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        closed.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook == null || Thread.currentThread() == hook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs, and finds the runtime closed.
    }
  }

  // ---- statistics ---------------------------------------------------------------------------

  /** Returns a snapshot of every counter. */
  public LoraStats stats() {
    LearnedModel.Counters h = model.counters();
    long[] l = learner.counters();
    double[] t = trainer.trajectorySummary();
    return new LoraStats(h.rowCountCalls(), h.costCalls(), h.forwards(), h.rowCorrections(),
        h.costCorrections(), h.shadowCorrections(), h.trainSteps(), h.fallbacks(),
        model.fallbacksByKind(),
        l[0], l[1], l[2], incomplete.sum(), l[3], (long) t[0], t[1], t[2],
        trainer.calibration().count(), Math.exp(trainer.calibration().meanLogMsPerCost()),
        guard.fingerprintCount(), guard.guardedCount(), guard.fallbacks(), guard.retries(),
        saves.sum(), saveFailures.get());
  }

  /** Returns the learning statistics of every scope that has observations. */
  public List<ScopeStats> scopeStats() {
    List<ScopeStats> out = new ArrayList<>();
    for (OperatorScope s : OperatorScope.values()) {
      ScopeStats f = trainer.scopeStats(s);
      if (f.observations() > 0 || f.trajectories() > 0) {
        out.add(f);
      }
    }
    return out;
  }

  /** Returns the learning statistics of one scope. */
  public ScopeStats scopeStats(OperatorScope scope) {
    return trainer.scopeStats(Objects.requireNonNull(scope, "scope"));
  }

  /** Returns the regression guard's history of every query, most planned first. */
  public List<QueryHistory> history() {
    return guard.history();
  }

  /** Returns the regression guard's history of one query (by its SQL, any constants). */
  public Optional<QueryHistory> history(String sql) {
    return guard.history(QueryFingerprint.of(Objects.requireNonNull(sql, "sql")));
  }

  /**
   * Returns the newest executions learned from (at most {@value #RECENT_EXECUTIONS}), oldest
   * first; {@link ExecutedPlan#explain()} prints one as EXPLAIN ANALYZE.
   */
  public List<ExecutedPlan> recentExecutions() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  /** Returns a copy of the held operator trajectories, oldest first. */
  public List<Trajectory> trajectories() {
    return trainer.trajectories();
  }

  // ---- for this package -----------------------------------------------------------------------

  Binding binding(LoraMode mode) {
    return bindings[Objects.requireNonNull(mode, "mode").ordinal()];
  }

  LearnedModel model() {
    return model;
  }

  RegressionGuard guard() {
    return guard;
  }

  @Override
  public String toString() {
    return "LoraRuntime{" + (stateFile == null ? "in memory" : stateFile.toString())
        + (isClosed() ? ", closed" : "") + ", " + config.mode() + "}";
  }
}
