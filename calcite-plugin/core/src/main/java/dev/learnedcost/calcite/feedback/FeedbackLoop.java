package dev.learnedcost.calcite.feedback;

import dev.learnedcost.calcite.CostEmbedding;
import dev.learnedcost.calcite.LoraConfig;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.calcite.profile.ExecutionActuals;
import dev.learnedcost.calcite.profile.OperatorActuals;
import dev.learnedcost.calcite.profile.PlanProfiler;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import dev.learnedcost.engine.TrajectoryBuffer;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.tools.Program;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns from every executed query: takes the per-operator actuals of a profiled plan, compares
 * them with what the planner believed, and trains each operator's scope.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Off the critical path: the executing thread only offers the finished
 *       {@link ExecutionActuals} to a bounded queue (a few hundred nanoseconds); a daemon learner
 *       thread does the rest. A full queue drops the feedback and counts it; a query never
 *       waits.</li>
 *   <li>Same features as the planner: for each executed node the learner asks a fresh metadata
 *       query built on the model's own provider for the node's row count and cost, and captures,
 *       through the model's {@link dev.learnedcost.calcite.LoraObserver}, the embedding and the
 *       base estimate the handlers compute. So the training input is exactly what the planner
 *       fed the adapter (given the same model), including learned input row counts.</li>
 *   <li>Targets (DESIGN.md): rows {@code ln(actual rows / base rows)} (per enumeration, with both
 *       floored at 1 row), where for filters and joins the base is re-evaluated at the inputs'
 *       actual rows, so each node learns its own selectivity and not its inputs' current error
 *       (see {@code baseAtActualInputs}); cost {@code ln(actual self ms / predicted ms)} where the prediction
 *       converts the stock cost to milliseconds through a {@link CostCalibration} fitted from
 *       the same observations (the cost target is used once the calibration is ready). Targets
 *       are clamped to the model's correction range.</li>
 *   <li>Training: each scope keeps the latest targets of up to {@value #REPLAY_SIZE} distinct
 *       operators (keyed by the identity and structure part of the embedding, so the same
 *       operator over the same tables replaces its old target). After an execution, every scope
 *       it touched takes one supervised step per remembered target ({@code stepsPerObservation}
 *       passes), newest last. One rank-2 adapter serves every table of its scope; stepping only
 *       on the latest observation would chase it and undo what the other tables taught (measured:
 *       three scans of 25, 1,500 and 15,000 rows stayed 2.5x off after five executions, and two
 *       steps each overshot the smallest by 200x); replaying the remembered targets fits them
 *       jointly.</li>
 *   <li>Executions closed before their end are not learned from: their row counts are
 *       truncated. Inside a complete execution, a node whose consumer stopped pulling early
 *       ({@link OperatorActuals#truncated()}: a filter under a re-ranker that has its
 *       candidates, an input of a streaming limit) gives no row-count target; a node with one
 *       input gives its output-to-input ratio instead (see {@code truncatedRowTarget}).</li>
 *   <li>Every trained operator is recorded in a {@link TrajectoryBuffer}: its embedding, scope,
 *       actual self ms and the stock-predicted ms as the baseline.</li>
 * </ul>
 */
public final class FeedbackLoop implements AutoCloseable {
  /** Observations per scope kept for the median errors. */
  public static final int ERROR_WINDOW = 256;
  /** Distinct operators per scope whose latest targets are replayed after each execution. */
  public static final int REPLAY_SIZE = 128;
  /** Smallest time a target is computed from, in ms: below it timer noise dominates. */
  public static final double MIN_MS = 0.005;

  private static final Logger LOG = LoggerFactory.getLogger(FeedbackLoop.class);
  private static final ThreadLocal<java.util.Map<RelNode, Capture>> CAPTURE = new ThreadLocal<>();

  private final LoraCostModel model;
  private final FeedbackOptions options;
  private static final ThreadLocal<QueryScope> CURRENT = new ThreadLocal<>();

  private final BlockingQueue<Feedback> queue;
  private final RegressionGuard guard;
  private final @Nullable Thread learner;
  private final CostCalibration calibration;
  private final TrajectoryBuffer trajectories;
  private final ScopeAccumulator[] scopes = new ScopeAccumulator[OperatorScope.COUNT];
  private final ReplayMemory[] memory = new ReplayMemory[OperatorScope.COUNT];
  private final LongAdder received = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder incomplete = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Object progress = new Object();
  private final @Nullable Path statePath;
  private final int saveEvery;
  private final LongAdder saves = new LongAdder();
  private final LongAdder saveFailures = new LongAdder();
  private volatile @Nullable String loadProblem;
  /** Times preparations ({@link QueryScope}); replaceable by tests in this package. */
  private volatile java.util.function.LongSupplier nanoClock = System::nanoTime;
  private long processed;
  private volatile boolean closed;

  /** Creates a loop with the default options and a new calibration. */
  public FeedbackLoop(LoraCostModel model) {
    this(model, FeedbackOptions.DEFAULTS, new CostCalibration());
  }

  /**
   * Creates a loop with an empty history and, unless synchronous, starts its learner thread.
   * Installs the loop's observer on the model (replacing any other).
   */
  public FeedbackLoop(LoraCostModel model, FeedbackOptions options, CostCalibration calibration) {
    this(model, options, calibration, new RegressionGuard(options.guard()), null, 0);
  }

  /**
   * Opens the learned state saved at {@code state} by an earlier loop (model, calibration,
   * query history), or starts an untrained one when the file does not exist yet, and saves it
   * there after every {@code saveEvery} processed executions (0: only on {@link #save()} and
   * {@link #close()}).
   *
   * <p>A damaged or unreadable file never stops the host: it is reported (logged at ERROR, and
   * by {@link #loadProblem()}), moved aside to {@code <name>.damaged-<millis>} so nothing is
   * lost, and the loop starts with an untrained model, whose estimates are the stock ones.
   *
   * @param config the model's configuration (dimension, alpha and learning rate come from the
   *     file when it exists)
   * @throws IllegalArgumentException if {@code saveEvery} is negative
   */
  public static FeedbackLoop open(Path state, LoraConfig config, FeedbackOptions options,
      int saveEvery) {
    java.util.Objects.requireNonNull(state, "state");
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(options, "options");
    if (saveEvery < 0) {
      throw new IllegalArgumentException("saveEvery must be >= 0, got " + saveEvery);
    }
    LearnedStateStore.Loaded loaded = LearnedStateStore.load(state, config, options.guard());
    FeedbackLoop loop = new FeedbackLoop(loaded.model(), options, loaded.calibration(),
        loaded.guard(), state, saveEvery);
    loop.loadProblem = loaded.problem();
    return loop;
  }

  private FeedbackLoop(LoraCostModel model, FeedbackOptions options, CostCalibration calibration,
      RegressionGuard guard, @Nullable Path statePath, int saveEvery) {
    this.model = java.util.Objects.requireNonNull(model, "model");
    this.options = java.util.Objects.requireNonNull(options, "options");
    this.calibration = java.util.Objects.requireNonNull(calibration, "calibration");
    this.guard = guard;
    this.statePath = statePath;
    this.saveEvery = saveEvery;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.trajectories =
        new TrajectoryBuffer(options.trajectoryCapacity(), model.config().dim());
    for (OperatorScope s : OperatorScope.values()) {
      scopes[s.id()] = new ScopeAccumulator();
      memory[s.id()] = new ReplayMemory(REPLAY_SIZE);
    }
    model.setObserver((rel, scope, readout, x, base, factor) -> {
      java.util.Map<RelNode, Capture> captures = CAPTURE.get();
      if (captures != null) {
        captures.computeIfAbsent(rel, r -> new Capture()).record(readout, x, base, factor);
      }
    });
    if (options.synchronous()) {
      learner = null;
    } else {
      learner = new Thread(this::run, "lora-learner");
      learner.setDaemon(true);
      learner.start();
    }
  }

  /**
   * Returns the listener to hand to {@link PlanProfiler}: called when an execution ends. Its
   * executions are learned from but carry no query identity, so the guard and the history do
   * not see them; use {@link #program()} with {@link #beginQuery} for those.
   */
  public Consumer<ExecutionActuals> listener() {
    return a -> offer(a, null);
  }

  /**
   * Returns a program that profiles the plan for this loop, to append after the standard
   * program ({@code Programs.sequence(Programs.standard(), loop.program())}). A plan made inside
   * {@link #beginQuery} on the same thread is tagged with that query, so its execution time goes
   * to the query's history and the regression guard.
   */
  public Program program() {
    return PlanProfiler.programPerPlan(rel -> {
      QueryScope q = CURRENT.get();
      Tag tag = q == null ? null : new Tag(q.fingerprint(), q.shape(), q.choice(), planHash(rel));
      return a -> offer(a, tag);
    });
  }

  /**
   * Starts planning one query: asks the guard how to plan it and, for a stock choice, makes the
   * model plan stock on this thread ({@link LoraCostModel#stockPlanning()}); plans made on this
   * thread until the scope is closed are tagged with the query (see {@link #program()}). Close
   * it when planning is done (executing may come later). The driver from
   * {@link dev.learnedcost.calcite.LoraCalcite#driver(FeedbackLoop)} does all of this itself.
   */
  public QueryScope beginQuery(String sql) {
    String shape = QueryFingerprint.normalize(sql);
    String fingerprint = QueryFingerprint.ofShape(shape);
    PlanChoice choice = guard.choose(fingerprint, shape, this::modelState);
    LoraCostModel.StockPlanning stock = choice.isStock() ? model.stockPlanning() : null;
    QueryScope scope = new QueryScope(this, fingerprint, shape, choice, stock, CURRENT.get());
    CURRENT.set(scope);
    return scope;
  }

  /**
   * The query being planned on this thread; see {@link #beginQuery}. Closing it ends the
   * preparation, whose time the guard records ({@link RegressionGuard#recordPreparation}): a
   * learned preparation far slower than the query's stock ones falls back, even when it never
   * finished (close the scope in a {@code finally} block or try-with-resources).
   */
  public static final class QueryScope implements AutoCloseable {
    private final FeedbackLoop loop;
    private final long startNanos;
    private final String fingerprint;
    private final String shape;
    private final PlanChoice choice;
    private final LoraCostModel.@Nullable StockPlanning stock;
    private final @Nullable QueryScope outer;
    private boolean closed;

    QueryScope(FeedbackLoop loop, String fingerprint, String shape, PlanChoice choice,
        LoraCostModel.@Nullable StockPlanning stock, @Nullable QueryScope outer) {
      this.loop = loop;
      this.startNanos = loop.nanoClock.getAsLong();
      this.fingerprint = fingerprint;
      this.shape = shape;
      this.choice = choice;
      this.stock = stock;
      this.outer = outer;
    }

    /** Returns the query's fingerprint. */
    public String fingerprint() {
      return fingerprint;
    }

    /** Returns the normalized SQL. */
    public String shape() {
      return shape;
    }

    /** Returns how the guard decided to plan this execution. */
    public PlanChoice choice() {
      return choice;
    }

    /** Ends the scope on this thread; closing twice does nothing. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        loop.guard.recordPreparation(fingerprint, shape, choice,
            (loop.nanoClock.getAsLong() - startNanos) / 1e6, loop::modelState);
      } finally {
        if (stock != null) {
          stock.close();
        }
        if (outer == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(outer);
        }
      }
    }
  }

  /** Replaces the clock that times preparations (tests: a preparation of any length, no sleep). */
  void nanoClock(java.util.function.LongSupplier clock) {
    this.nanoClock = java.util.Objects.requireNonNull(clock, "clock");
  }

  /** The per-scope adapter norms: the model state the guard compares. */
  private double[] modelState() {
    double[] v = new double[OperatorScope.COUNT];
    for (OperatorScope s : OperatorScope.values()) {
      v[s.id()] = model.scopedLoRA().deltaNorm(s);
    }
    return v;
  }

  /** A hash of the plan's text (attributes, no ids, no costs). */
  static long planHash(RelNode rel) {
    String text = RelOptUtil.toString(rel, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    long h = 1125899906842597L;
    for (int i = 0; i < text.length(); i++) {
      h = 31 * h + text.charAt(i);
    }
    return h == 0 ? 1 : h;
  }

  /** Which query an execution belongs to and how it was planned. */
  private record Tag(String fingerprint, String shape, PlanChoice choice, long planHash) {}

  /** One finished execution waiting for the learner. */
  private record Feedback(ExecutionActuals actuals, @Nullable Tag tag) {}

  private void offer(ExecutionActuals actuals, @Nullable Tag tag) {
    received.increment();
    if (closed) {
      dropped.increment();
      return;
    }
    Feedback f = new Feedback(actuals, tag);
    if (options.synchronous()) {
      process(f);
      return;
    }
    if (!queue.offer(f)) {
      dropped.increment();
    }
  }

  private void run() {
    while (!closed || !queue.isEmpty()) {
      Feedback a;
      try {
        a = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (a != null) {
        process(a);
      }
    }
  }

  private void process(Feedback feedback) {
    ExecutionActuals actuals = feedback.actuals();
    try {
      if (!actuals.complete()) {
        incomplete.increment();
        Tag t = feedback.tag();
        if (t != null) {
          guard.recordIncomplete(t.fingerprint(), t.shape(), t.choice(), t.planHash(),
              actuals.wallNanos() / 1e6, this::modelState);
        }
      } else {
        Tag t = feedback.tag();
        if (t != null) {
          guard.record(t.fingerprint(), t.shape(), t.choice(), t.planHash(),
              actuals.wallNanos() / 1e6, this::modelState);
        }
        learn(actuals);
      }
    } catch (RuntimeException e) {
      failed.increment();
      if (failed.sum() == 1) {
        LOG.warn("learning from an execution failed; the model is unchanged by it", e);
      }
    } finally {
      long done;
      synchronized (progress) {
        done = ++processed;
        progress.notifyAll();
      }
      if (statePath != null && saveEvery > 0 && done % saveEvery == 0) {
        saveQuietly();
      }
    }
  }

  /**
   * Writes the learned state (model, calibration, history) crash-safely to the path given to
   * {@link #open}.
   *
   * @throws IllegalStateException if the loop was not opened on a path
   * @throws IOException if writing fails (the previous file is then intact)
   */
  public void save() throws IOException {
    if (statePath == null) {
      throw new IllegalStateException(
          "this loop has no state path: create it with FeedbackLoop.open(path, ...) to save");
    }
    LearnedStateStore.save(statePath, model, calibration, guard);
    saves.increment();
  }

  private void saveQuietly() {
    try {
      save();
    } catch (IOException | RuntimeException e) {
      saveFailures.increment();
      LOG.error("saving the learned state to {} failed; the previous file is intact, the next"
          + " save will try again", statePath, e);
    }
  }

  /** Returns why the state file could not be loaded by {@link #open}, or null if it could. */
  public @Nullable String loadProblem() {
    return loadProblem;
  }

  /** Returns the regression guard and the per-query history. */
  public RegressionGuard guard() {
    return guard;
  }

  private void learn(ExecutionActuals actuals) {
    List<RelNode> nodes = actuals.profile().nodes();
    RelMetadataQuery mq = new RelMetadataQuery(model.metadataProvider());
    RelMetadataQuery stockMq = new RelMetadataQuery(JaninoRelMetadataProvider.DEFAULT);
    LoraConfig config = model.config();
    double rowClamp = Math.log(2) * Math.max(-config.rowLog2Min(), config.rowLog2Max());
    double costClamp = Math.log(2) * Math.max(-config.costLog2Min(), config.costLog2Max());
    // One pass over every node: the metadata query caches, so a node's handlers run once, when
    // the node (or its first ancestor) is asked, and each run is captured by node identity.
    boolean[] touched = new boolean[OperatorScope.COUNT];
    java.util.Map<RelNode, Capture> captures = new java.util.IdentityHashMap<>();
    CAPTURE.set(captures);
    try {
      for (RelNode rel : nodes) {
        mq.getRowCount(rel);
        mq.getNonCumulativeCost(rel);
      }
    } finally {
      CAPTURE.remove();
    }
    for (int i = 0; i < nodes.size(); i++) {
      RelNode rel = nodes.get(i);
      OperatorScope scope = model.scopeResolver().resolve(rel);
      if (scope == null || !config.isEnabled(scope)) {
        continue;
      }
      OperatorActuals a = actuals.of(i);
      double opens = Math.max(1, a.opens());
      double actualRows = a.rows() / opens;
      double actualMs = a.selfNanos() / 1e6 / opens;
      Capture c = captures.get(rel);
      if (c == null) {
        continue;
      }
      ScopeAccumulator acc = scopes[scope.id()];
      int rowScope = LoraCostModel.rowScope(scope).id(); // a merge join learns the hash join's
      if (c.rowX != null && !a.truncated()) {
        double atActual = baseAtActualInputs(actuals, i, rel, mq, c.rowBase);
        double base = Double.isNaN(atActual) ? c.rowBase : atActual;
        double target = clamp(Math.log(Math.max(actualRows, 1) / Math.max(base, 1)), rowClamp);
        Double stock = stockMq.getRowCount(rel);
        double stockRows = stock == null ? c.rowBase : stock;
        acc.addRows(logError(stockRows, actualRows), logError(c.rowBase * c.rowFactor, actualRows));
        memory[rowScope].put(c.rowX, CostEmbedding.READOUT_ROWS, target);
        touched[rowScope] = true;
      } else if (c.rowX != null) {
        double target = truncatedRowTarget(actuals, i, rel, mq, actualRows, c.rowBase);
        if (!Double.isNaN(target)) {
          memory[rowScope].put(c.rowX, CostEmbedding.READOUT_ROWS, clamp(target, rowClamp));
          touched[rowScope] = true;
        }
      }
      double predictedMs = Double.NaN;
      if (c.costX != null && c.costBase > 0) {
        if (options.learnCost() && calibration.isReady()) {
          predictedMs = calibration.predictMs(c.costBase);
          double learnedMs = predictedMs * c.costFactor;
          acc.addCost(logMsError(predictedMs, actualMs), logMsError(learnedMs, actualMs));
          double target = clamp(
              Math.log(Math.max(actualMs, MIN_MS) / Math.max(predictedMs, MIN_MS)), costClamp);
          memory[scope.id()].put(c.costX, CostEmbedding.READOUT_COST, target);
          touched[scope.id()] = true;
        }
        calibration.add(c.costBase, actualMs);
      }
      float[] x = c.rowX != null ? c.rowX : c.costX;
      if (x != null) {
        float baselineMs = (float) (Double.isNaN(predictedMs) ? actualMs : predictedMs);
        synchronized (trajectories) {
          trajectories.record(x, scope.id(), config.mode().ordinal(), (float) actualMs,
              baselineMs);
        }
        acc.addTrajectory((float) actualMs, baselineMs);
      }
    }
    for (OperatorScope scope : OperatorScope.values()) {
      if (touched[scope.id()]) {
        memory[scope.id()].replay(model, scope, options.stepsPerObservation());
      }
    }
  }

  /**
   * The row target of a node whose consumer stopped pulling early (a filter under a re-ranker
   * that has its candidates, anything under a streaming limit): its row count is what was asked
   * for, not what it produces, so learning {@code ln(actual / base)} from it would teach the
   * scope the consumer's appetite. What such a node still shows honestly is its ratio of output
   * to consumed input rows (assuming the input's order is independent of the predicate): for a
   * node with one input the target is {@code ln(actual / base at the consumed input rows)},
   * which is {@code ln(actual ratio / estimated ratio)}. Worked example: a filter
   * {@code category = 17} above an index scan pulled 40 of 4,000 scanned rows (1%) where the
   * base estimate was 40 of 267 (15%): target {@code ln(0.01 / 0.15) = -2.7}, the correction a
   * complete scan of the table would also teach (200 of 20,000 against 3,000). Returns NaN (no
   * target) for leaves, for nodes with several inputs and when the input produced no row: their
   * truncated counts say nothing.
   */
  private static double truncatedRowTarget(ExecutionActuals actuals, int node, RelNode rel,
      RelMetadataQuery mq, double actualRows, double rowBase) {
    int[] children = actuals.profile().children(node);
    if (children.length != 1 || rel.getInputs().size() != 1) {
      return Double.NaN;
    }
    double inRows = perOpen(actuals.of(children[0]));
    Double estimatedIn = mq.getRowCount(rel.getInput(0));
    if (inRows < 1 || estimatedIn == null || !(estimatedIn > 0)) {
      return Double.NaN;
    }
    double atActual = Math.max(rowBase, 1) / Math.max(estimatedIn, 1) * inRows;
    return Math.log(Math.max(actualRows, 1) / atActual);
  }

  /**
   * The node's base row estimate evaluated at its inputs' actual row counts instead of their
   * estimated ones, or NaN where that is not defined (then the target is taken against the
   * base estimate itself).
   *
   * <p>Why: the base estimate of a filter or a join is a function of its inputs' estimates,
   * and those are learned too. A target {@code ln(actual / base)} makes the node's scope absorb
   * its inputs' errors, which change as the inputs learn: the target of a join moved with every
   * step of the scans below it, replayed targets went stale, and a join's correction learned
   * over one pair of inputs misled it over another. Against the base at the actual inputs the
   * node learns only its own part (the selectivity of its predicate, the fan-out of its join),
   * a target that is the same whatever the inputs' adapters currently say, and the planner's
   * estimate {@code base(estimated inputs) * correction} is right once the inputs are.
   *
   * <ul>
   *   <li>Filters and Calcs with a condition: the base is input rows times a selectivity, so
   *       it scales with the input: {@code base * actual input / estimated input}.</li>
   *   <li>Semi and anti joins: the base is the left input's rows times a selectivity; scaled
   *       likewise by the left input.</li>
   *   <li>Inner and outer joins: Calcite's join formula ({@code RelMdUtil.getJoinRowCount}:
   *       {@code L R s}, plus {@code L (1 - s)} for a left join, and so on) with the condition's
   *       selectivity {@code s}, evaluated at the actual {@code L} and {@code R}; NaN unless the
   *       formula reproduces the base estimate at the estimated inputs (so a metadata provider
   *       with another formula falls back safely), and when an input is estimated at one row
   *       or fewer (Calcite then answers from the maximum row count).</li>
   * </ul>
   * Inputs must be complete (a truncated input's rows are what was pulled, not what it makes)
   * and have produced at least one row. Other nodes (scans, aggregates, ...) return NaN.
   */
  static double baseAtActualInputs(ExecutionActuals actuals, int node, RelNode rel,
      RelMetadataQuery mq, double rowBase) {
    int[] children = actuals.profile().children(node);
    int n = rel.getInputs().size();
    if (n == 0 || children.length != n) {
      return Double.NaN;
    }
    double[] actual = new double[n];
    double[] estimated = new double[n];
    for (int k = 0; k < n; k++) {
      OperatorActuals in = actuals.of(children[k]);
      Double est = mq.getRowCount(rel.getInput(k));
      if (in.truncated() || est == null || !(est > 0)) {
        return Double.NaN;
      }
      actual[k] = Math.max(1, perOpen(in));
      estimated[k] = est;
    }
    if (rel instanceof Filter
        || rel instanceof Calc && ((Calc) rel).getProgram().getCondition() != null) {
      return rowBase * actual[0] / estimated[0];
    }
    if (!(rel instanceof Join)) {
      return Double.NaN;
    }
    Join join = (Join) rel;
    JoinRelType type = join.getJoinType();
    if (!type.projectsRight()) {
      return rowBase * actual[0] / estimated[0];
    }
    if (estimated[0] <= 1 || estimated[1] <= 1) {
      return Double.NaN;
    }
    Double s = mq.getSelectivity(join, join.getCondition());
    if (s == null || !(s >= 0) || s > 1) {
      return Double.NaN;
    }
    double atEstimated = joinRows(type, estimated[0], estimated[1], s);
    if (!(Math.abs(atEstimated - rowBase) <= 1e-6 * Math.max(1, rowBase))) {
      return Double.NaN;
    }
    return joinRows(type, actual[0], actual[1], s);
  }

  /** Calcite's estimate of a join's rows from its inputs' rows and its selectivity. */
  private static double joinRows(JoinRelType type, double left, double right, double s) {
    double inner = left * right * s;
    switch (type) {
      case INNER:
        return inner;
      case LEFT:
        return left * (1 - s) + inner;
      case RIGHT:
        return right * (1 - s) + inner;
      case FULL:
        return (left + right) * (1 - s) + inner;
      default:
        return Double.NaN;
    }
  }

  private static double perOpen(OperatorActuals a) {
    return a.rows() / (double) Math.max(1, a.opens());
  }

  private static double clamp(double v, double bound) {
    return Math.max(-bound, Math.min(bound, v));
  }

  private static double logMsError(double predictedMs, double actualMs) {
    return Math.abs(Math.log(Math.max(predictedMs, MIN_MS) / Math.max(actualMs, MIN_MS)));
  }

  private static double logError(double estimate, double actual) {
    return Math.abs(Math.log(Math.max(estimate, 1) / Math.max(actual, 1)));
  }

  /**
   * Waits until every execution received so far has been processed, or the timeout passes.
   *
   * @return true if the learner caught up
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (processed + dropped.sum() < received.sum()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return true;
    }
  }

  /** Returns the learning statistics of every scope that has observations. */
  public List<ScopeFeedback> scopeFeedback() {
    List<ScopeFeedback> out = new ArrayList<>();
    for (OperatorScope s : OperatorScope.values()) {
      ScopeFeedback f = scopes[s.id()].snapshot(s, model.scopedLoRA());
      if (f.observations() > 0) {
        out.add(f);
      }
    }
    return out;
  }

  /** Returns the learning statistics of one scope. */
  public ScopeFeedback scopeFeedback(OperatorScope scope) {
    return scopes[scope.id()].snapshot(scope, model.scopedLoRA());
  }

  /** Returns the counters of the loop. */
  public FeedbackStats stats() {
    long done;
    synchronized (progress) {
      done = processed;
    }
    long count;
    float mean;
    float success;
    synchronized (trajectories) {
      count = trajectories.totalCount();
      mean = trajectories.meanImprovement();
      success = trajectories.successRate();
    }
    return new FeedbackStats(received.sum(), done, dropped.sum(), incomplete.sum(), failed.sum(),
        count, mean, success, calibration.count(), Math.exp(calibration.meanLogMsPerCost()),
        guard.fingerprintCount(), guard.guardedCount(), guard.fallbacks(), saves.sum(),
        saveFailures.sum());
  }

  /** Returns a copy of the held trajectories, oldest first. */
  public List<dev.learnedcost.engine.Trajectory> trajectories() {
    synchronized (trajectories) {
      return trajectories.trajectories();
    }
  }

  /** Returns the calibration this loop fits. */
  public CostCalibration calibration() {
    return calibration;
  }

  /** Returns the model this loop trains. */
  public LoraCostModel model() {
    return model;
  }

  /**
   * Stops accepting feedback, lets the learner finish what is queued, removes the loop's
   * observer from the model and, for a loop {@link #open opened} on a path, saves the state (a
   * failure to save is logged, and the previous file is intact).
   */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    if (learner != null) {
      learner.join(TimeUnit.SECONDS.toMillis(30));
    }
    model.setObserver(null);
    if (statePath != null) {
      saveQuietly();
    }
  }

  /** What the handlers computed for one node during a learning pass. */
  private static final class Capture {
    float @Nullable [] rowX;
    double rowBase;
    double rowFactor = 1;
    float @Nullable [] costX;
    double costBase;
    double costFactor = 1;

    void record(int readout, float[] x, double base, double factor) {
      if (readout == CostEmbedding.READOUT_ROWS && rowX == null) {
        rowX = x.clone();
        rowBase = base;
        rowFactor = factor;
      } else if (readout == CostEmbedding.READOUT_COST && costX == null) {
        costX = x.clone();
        costBase = base;
        costFactor = factor;
      }
    }
  }

  /** Error and trajectory statistics of one scope; guarded by its own monitor. */
  private static final class ScopeAccumulator {
    private long observations;
    private double stockSum;
    private double learnedSum;
    private final double[] stockWindow = new double[ERROR_WINDOW];
    private final double[] learnedWindow = new double[ERROR_WINDOW];
    private long costCount;
    private double stockCostSum;
    private double learnedCostSum;
    private long trajectoryCount;
    private double improvementSum;
    private long successes;

    synchronized void addRows(double stockError, double learnedError) {
      int slot = (int) (observations % ERROR_WINDOW);
      stockWindow[slot] = stockError;
      learnedWindow[slot] = learnedError;
      observations++;
      stockSum += stockError;
      learnedSum += learnedError;
    }

    synchronized void addCost(double stockError, double learnedError) {
      costCount++;
      stockCostSum += stockError;
      learnedCostSum += learnedError;
    }

    /** The improvement as the TrajectoryBuffer defines it: baseline / execution - 1. */
    synchronized void addTrajectory(float executionMs, float baselineMs) {
      double improvement = executionMs > 0 ? baselineMs / executionMs - 1 : 0;
      trajectoryCount++;
      improvementSum += improvement;
      successes += improvement > 0 ? 1 : 0;
    }

    synchronized ScopeFeedback snapshot(OperatorScope scope, ScopedLoRA lora) {
      int n = (int) Math.min(observations, ERROR_WINDOW);
      return new ScopeFeedback(scope, observations, lora.forwardCount(scope),
          lora.adaptCount(scope),
          mean(stockSum, observations), mean(learnedSum, observations),
          Medians.of(stockWindow, n), Medians.of(learnedWindow, n),
          mean(stockCostSum, costCount), mean(learnedCostSum, costCount),
          trajectoryCount, mean(improvementSum, trajectoryCount),
          mean(successes, trajectoryCount));
    }

    private static double mean(double sum, long count) {
      return count == 0 ? Double.NaN : sum / count;
    }
  }
}
