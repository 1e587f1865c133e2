package dev.learnedcost.tests.eval;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.calcite.ScopeStats;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultComparison;
import dev.learnedcost.examples.ResultTable;
import dev.learnedcost.examples.SkewDataset;
import dev.learnedcost.examples.TpcdsDataset;
import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.EngineSession;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.tests.eval.Results.Drift;
import dev.learnedcost.tests.eval.Results.HeldOutQuery;
import dev.learnedcost.tests.eval.Results.ScopeQError;
import dev.learnedcost.tests.eval.Results.StreamQuery;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The plan-quality evaluation: a stream of template queries with fresh parameters, learned
 * online, then held-out parameter instances timed on five systems; a drift phase; a
 * leave-templates-out split. Writes {@code evaluation.json} and {@code evaluation.md}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Data: the demo's {@code skew} data set at two sizes, built once and reused (the
 *       drift is the second, larger one: every table count, and with it every learned scan and
 *       join correction, moves).</li>
 *   <li>Per order (a seed): fresh models of the three learning systems (the plugin, the
 *       node-features ablation, the scalar ablation); a stream of {@code --stream} queries, each
 *       run by stock and the three learners (rotating who runs first)
 *       and learned from by the two learners; the data changes halfway. Then both learners are
 *       saved and reopened observe-only (the guard still records, nothing trains) and the
 *       held-out set, the same parameter instances for every order, is timed on all five
 *       systems {@code --repeats} times, rotating the system order; every result is checked
 *       against H2's. Planning time is the median of three {@code EXPLAIN PLAN FOR}.</li>
 *   <li>Leave-templates-out, fold = order (3 folds: fold f tests templates f, f + 3, ...): fresh
 *       learners trained on a stream of the templates
 *       not in the fold, then timed on held-out instances of the fold's templates, on the first
 *       data size.</li>
 *   <li>Row errors come from the learners' own feedback statistics (the same numbers
 *       {@code ScopeStats} reports): per query, the change of the per-scope error sums.</li>
 * </ul>
 */
@Command(name = "evaluation", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluates the learned cost model against stock Calcite, true base-table row"
        + " counts, a per-scope scalar correction and H2, on a stream of skew-data or TPC-DS"
        + " queries.")
public final class Evaluation implements Callable<Integer> {
  static final int DRIFT_BEFORE = 30;
  static final int DRIFT_AFTER = 10;
  /** Leave-templates-out folds: fold f tests templates f, f + 3, ... (1-based f). */
  static final int LTO_FOLDS = 3;
  /** Stream queries outside the drift's windows run on stock once in this many. */
  static final int STOCK_EVERY = 4;

  /** Which data and templates. */
  enum Workload { SKEW, TPCDS }

  @Option(names = "--workload", defaultValue = "SKEW", paramLabel = "NAME",
      description = "skew (the skew data set at two sizes, with a drift) or tpcds (TPC-DS at"
          + " --scale, instances of its templates; no drift); any case (default: skew)")
  Workload workload;

  @Option(names = "--scale", defaultValue = "0.01", paramLabel = "SF",
      description = "with --workload tpcds: the TPC-DS scale factor (default: ${DEFAULT-VALUE})")
  double scale;

  @Option(names = "--templates", split = ",", paramLabel = "N,N,...",
      description = "with --workload tpcds: the TPC-DS template numbers (default: every runnable"
          + " quick template that H2 runs, TpcdsQueries.QUICK)")
  List<Integer> tpcdsTemplates;

  @Option(names = "--out", defaultValue = "tests/target/eval", paramLabel = "DIR",
      description = "where evaluation.json and evaluation.md go (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--data", defaultValue = "tests/target/eval-data", paramLabel = "DIR",
      description = "where the generated databases are kept and reused (default: ${DEFAULT-VALUE})")
  Path data;

  @Option(names = "--stream", defaultValue = "300", paramLabel = "N",
      description = "queries in each order's learning stream (default: ${DEFAULT-VALUE})")
  int stream;

  @Option(names = "--orders", defaultValue = "3", paramLabel = "N",
      description = "seeded stream orders, and leave-templates-out folds (default: ${DEFAULT-VALUE})")
  int orders;

  @Option(names = "--held-out", defaultValue = "2", paramLabel = "N",
      description = "held-out instances per template (default: ${DEFAULT-VALUE})")
  int heldOutPerTemplate;

  @Option(names = "--repeats", defaultValue = "5", paramLabel = "N",
      description = "timed executions of each held-out query per system (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--lto-stream", defaultValue = "100", paramLabel = "N",
      description = "training queries of each leave-templates-out fold (default: ${DEFAULT-VALUE})")
  int ltoStream;

  @Option(names = "--size", defaultValue = "0.1", paramLabel = "F",
      description = "skew size factor before the drift (default: ${DEFAULT-VALUE})")
  double size;

  @Option(names = "--drift-size", defaultValue = "0.25", paramLabel = "F",
      description = "skew size factor after the drift (default: ${DEFAULT-VALUE})")
  double driftSize;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
      description = "base seed of the orders and the held-out set (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--learn-cost", defaultValue = "true", arity = "1", paramLabel = "BOOL",
      description = "whether the learners also learn cost corrections, as the plugin does by"
          + " default (default: ${DEFAULT-VALUE})")
  boolean learnCost;

  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "the learners' learning rate (default: the plugin's default)")
  Float learningRate;

  @Option(names = "--steps", paramLabel = "N",
      description = "the learners' replay passes per execution (default: the plugin's default)")
  Integer steps;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "longest one execution may take (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  private final PrintStream log = System.err;
  private List<Template> templates = Template.all();
  private final ResultComparator comparator = new ResultComparator();

  /** Runs the evaluation with command-line arguments; exits with its status. */
  public static void main(String[] args) {
    // Calcite's JDBC adapter logs every H2 table's type at INFO, thousands of times a run.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.calcite", "warn");
    System.exit(new CommandLine(new Evaluation()).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (workload == Workload.TPCDS) {
      check(scale >= TpcdsDataset.MIN_SCALE_FACTOR && scale <= TpcdsDataset.MAX_SCALE_FACTOR,
          "--scale must be in [" + TpcdsDataset.MIN_SCALE_FACTOR + ", "
              + TpcdsDataset.MAX_SCALE_FACTOR + "], got " + scale);
      try {
        templates = TpcdsWorkload.templates(scale, tpcdsTemplates == null
            ? TpcdsWorkload.defaultTemplates() : tpcdsTemplates);
      } catch (IllegalArgumentException e) {
        check(false, e.getMessage());
      }
    }
    check(stream >= 20, "--stream must be at least 20, got " + stream);
    check(orders >= 1 && orders <= templates.size(), "--orders must be in 1.." + templates.size()
        + ", got " + orders);
    check(heldOutPerTemplate >= 1, "--held-out must be at least 1, got " + heldOutPerTemplate);
    check(repeats >= 1, "--repeats must be at least 1, got " + repeats);
    check(ltoStream >= 0, "--lto-stream must be at least 0, got " + ltoStream);
    check(timeoutSeconds >= 1, "--timeout must be at least 1 second, got " + timeoutSeconds);
    Instant started = Instant.now();
    Files.createDirectories(out);
    try (DemoDatabase before = workload == Workload.TPCDS ? openTpcds() : open(size);
        DemoDatabase after = workload == Workload.TPCDS ? null : open(driftSize)) {
      List<Template.Instance> heldOut = heldOutSet();
      List<StreamQuery> streamRows = new ArrayList<>();
      List<HeldOutQuery> heldOutRows = new ArrayList<>();
      List<ScopeQError> qErrors = new ArrayList<>();
      List<Drift> drifts = new ArrayList<>();
      for (int order = 1; order <= orders; order++) {
        runOrder(order, before, after == null ? before : after, heldOut, streamRows, heldOutRows, qErrors, drifts);
        if (ltoStream > 0) {
          runFold(order, before, heldOut, heldOutRows, qErrors);
        }
      }
      Report report = new Report(settings(), started, Instant.now(), streamRows, heldOutRows,
          qErrors, drifts);
      report.write(out);
      log.println();
      log.println(report.markdown());
      log.println("Wrote " + out.resolve(Report.JSON) + " and " + out.resolve(Report.MARKDOWN));
    }
    return 0;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(new CommandLine(new Evaluation()), message);
    }
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("workload", workload.name().toLowerCase(Locale.ROOT));
    if (workload == Workload.TPCDS) {
      s.put("scale", scale);
    }
    s.put("stream", stream);
    s.put("orders", orders);
    s.put("heldOutPerTemplate", heldOutPerTemplate);
    s.put("repeats", repeats);
    s.put("ltoStream", ltoStream);
    s.put("size", size);
    s.put("driftSize", driftSize);
    s.put("seed", seed);
    s.put("timeoutSeconds", timeoutSeconds);
    s.put("learnCost", learnCost);
    s.put("learningRate", learningRate == null
        ? LoraRuntimeConfig.defaults().learningRate() : learningRate);
    s.put("stepsPerObservation", steps == null
        ? LoraRuntimeConfig.defaults().stepsPerObservation() : steps);
    s.put("templates", templates.stream().map(Template::name).toList());
    return s;
  }

  private DemoDatabase open(double sizeFactor) throws IOException, SQLException {
    SkewDataset dataset = new SkewDataset(sizeFactor, SkewDataset.DEFAULT_SEED);
    Path dir = data.resolve("skew-" + dataset.parameters().replace(',', '-').replace('=', '-'));
    log.printf(Locale.ROOT, "Opening skew %s in %s%n", dataset.parameters(), dir);
    DemoDatabase db = DemoDatabase.open(dir, dataset);
    log.printf(Locale.ROOT, "  %s in %d ms%n", db.openReport().action(),
        db.openReport().elapsed().toMillis());
    return db;
  }

  private DemoDatabase openTpcds() throws IOException, SQLException {
    TpcdsDataset dataset = new TpcdsDataset(scale);
    Path dir = data.resolve("tpcds-" + dataset.parameters().replace('=', '-'));
    log.printf(Locale.ROOT, "Opening tpcds %s in %s%n", dataset.parameters(), dir);
    DemoDatabase db = DemoDatabase.open(dir, dataset);
    log.printf(Locale.ROOT, "  %s in %d ms%n", db.openReport().action(),
        db.openReport().elapsed().toMillis());
    return db;
  }

  /** The held-out parameter instances: the same for every order. */
  private List<Template.Instance> heldOutSet() {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + 17);
    List<Template.Instance> list = new ArrayList<>();
    for (Template t : templates) {
      for (int i = 1; i <= heldOutPerTemplate; i++) {
        list.add(t.instance(r, "h-" + t.name() + "-" + i));
      }
    }
    return list;
  }

  // ---- the learners -----------------------------------------------------------------------

  /** A learning system: its runtime, saved to and reopened from a state file. */
  private static final class Learner implements AutoCloseable {
    final EvalSystem system;
    final LoraRuntimeConfig config;
    LoraRuntime loop;

    Learner(EvalSystem system, Path state, Evaluation settings) throws IOException {
      this.system = system;
      LoraRuntimeConfig.Builder b = LoraRuntimeConfig.builder().stateFile(state).saveEvery(0)
          .biasOnly(system == EvalSystem.SCALAR)
          .identityFeatures(system != EvalSystem.NODE_FEATURES).learnCost(settings.learnCost);
      if (settings.learningRate != null) {
        b.learningRate(settings.learningRate);
      }
      if (settings.steps != null) {
        b.stepsPerObservation(settings.steps);
      }
      this.config = b.build();
      Files.deleteIfExists(state);
      this.loop = LoraRuntime.open(config);
    }

    /** Saves and reopens the runtime observe-only: the guard keeps recording, nothing trains. */
    void freeze() {
      loop.close();
      loop = LoraRuntime.open(config.toBuilder().stepsPerObservation(0).build());
    }

    EngineSession session(DemoDatabase db) {
      return EngineSession.calcite(Engine.LEARNED, db, loop.driver(LoraMode.ON, true), loop);
    }

    @Override
    public void close() {
      loop.close();
    }
  }

  /** The three learning systems of one order or fold, closed together. */
  private static final class Learners implements AutoCloseable {
    final Learner plugin;
    final Learner node;
    final Learner scalar;

    Learners(Path work, String prefix, Evaluation settings) throws IOException {
      this.plugin = new Learner(EvalSystem.PLUGIN, work.resolve(prefix + "plugin"), settings);
      this.node = new Learner(EvalSystem.NODE_FEATURES, work.resolve(prefix + "node"), settings);
      this.scalar = new Learner(EvalSystem.SCALAR, work.resolve(prefix + "scalar"), settings);
    }

    List<Learner> all() {
      return List.of(plugin, node, scalar);
    }

    Learner of(EvalSystem system) {
      return switch (system) {
        case PLUGIN -> plugin;
        case NODE_FEATURES -> node;
        case SCALAR -> scalar;
        default -> throw new IllegalArgumentException(system + " does not learn");
      };
    }

    void freeze() {
      all().forEach(Learner::freeze);
    }

    @Override
    public void close() {
      all().forEach(Learner::close);
    }
  }

  /** Sums of the per-scope row errors of a loop, to take one execution's mean by difference. */
  private record ErrorSums(double stock, double learned, long observations) {
    static ErrorSums of(LoraRuntime loop) {
      double s = 0;
      double l = 0;
      long n = 0;
      for (ScopeStats f : loop.scopeStats()) {
        if (f.observations() > 0) {
          s += f.stockRowError() * f.observations();
          l += f.learnedRowError() * f.observations();
          n += f.observations();
        }
      }
      return new ErrorSums(s, l, n);
    }

    double[] since(ErrorSums before) {
      long n = observations - before.observations;
      return n <= 0 ? new double[] {Double.NaN, Double.NaN}
          : new double[] {(stock - before.stock) / n, (learned - before.learned) / n};
    }
  }

  // ---- one order --------------------------------------------------------------------------

  private void runOrder(int order, DemoDatabase before, DemoDatabase after,
      List<Template.Instance> heldOut, List<StreamQuery> streamRows,
      List<HeldOutQuery> heldOutRows, List<ScopeQError> qErrors, List<Drift> drifts)
      throws Exception {
    Path work = Files.createDirectories(out.resolve("state"));
    try (Learners learners = new Learners(work, "order-" + order + "-", this)) {
      SplittableRandom r = new SplittableRandom(seed * 7919L + order);
      int changeAt = stream / 2;
      List<StreamQuery> rows = new ArrayList<>();
      DemoDatabase db = before;
      Map<EvalSystem, EngineSession> sessions = streamSessions(db, learners);
      try {
        for (int i = 0; i < stream; i++) {
          if (i == changeAt && after != before) {
            close(sessions);
            db = after;
            sessions = streamSessions(db, learners);
            log.printf(Locale.ROOT, "[order %d] the data changes: skew %s%n", order,
                db.dataset().parameters());
          }
          Template t = templates.get(r.nextInt(templates.size()));
          Template.Instance q = t.instance(r, "o" + order + "-" + i + "-" + t.name());
          String phase = after == before ? (i < changeAt ? "first-half" : "second-half")
              : i < changeAt ? "before-drift" : "after-drift";
          StreamQuery row = streamQuery(order, i, phase, q, sessions, learners,
              needsStock(i, changeAt));
          rows.add(row);
          log.printf(Locale.ROOT, "[order %d] %3d/%d %-28s stock %8.1f  plugin %8.1f (%s)"
                  + "  node %8.1f  scalar %8.1f  row error stock %.2f plugin %.2f node %.2f"
                  + " scalar %.2f%s%n", order, i + 1, stream, t.name(), row.stockMs(),
              row.pluginMs(), row.pluginPlan(), row.nodeMs(), row.scalarMs(),
              row.stockRowError(), row.pluginRowError(), row.nodeRowError(),
              row.scalarRowError(), row.mismatch() == null ? "" : "  MISMATCH " + row.mismatch());
        }
      } finally {
        close(sessions);
      }
      streamRows.addAll(rows);
      if (after != before) {
        for (EvalSystem s : List.of(EvalSystem.PLUGIN, EvalSystem.NODE_FEATURES,
            EvalSystem.SCALAR)) {
          drifts.add(drift(order, s, changeAt, rows));
        }
      }
      learners.freeze();
      heldOutRows.addAll(timeHeldOut("held-out", order, db, heldOut, learners, qErrors));
    }
  }

  private void runFold(int fold, DemoDatabase db, List<Template.Instance> heldOut,
      List<HeldOutQuery> heldOutRows, List<ScopeQError> qErrors) throws Exception {
    List<Template> train = new ArrayList<>();
    List<String> test = new ArrayList<>();
    for (int i = 0; i < templates.size(); i++) {
      if (i % LTO_FOLDS == (fold - 1) % LTO_FOLDS) {
        test.add(templates.get(i).name());
      } else {
        train.add(templates.get(i));
      }
    }
    log.printf(Locale.ROOT, "[fold %d] trains on %d templates, tests on %s%n", fold,
        train.size(), test);
    Path work = Files.createDirectories(out.resolve("state"));
    try (Learners learners = new Learners(work, "lto-" + fold + "-", this)) {
      SplittableRandom r = new SplittableRandom(seed * 104_729L + fold);
      try (EngineSession p = learners.plugin.session(db);
          EngineSession n = learners.node.session(db);
          EngineSession s = learners.scalar.session(db)) {
        for (int i = 0; i < ltoStream; i++) {
          Template t = train.get(r.nextInt(train.size()));
          Query q = query(t.instance(r, "f" + fold + "-" + i + "-" + t.name()));
          QueryRun a = p.run(1, q, timeout());
          QueryRun b = n.run(1, q, timeout());
          QueryRun c = s.run(1, q, timeout());
          if ((i + 1) % 20 == 0 || i + 1 == ltoStream) {
            log.printf(Locale.ROOT, "[fold %d] trained on %d/%d (last: plugin %.1f ms, node"
                + " %.1f ms, scalar %.1f ms)%n", fold, i + 1, ltoStream, a.ms(), b.ms(), c.ms());
          }
        }
      }
      learners.freeze();
      List<Template.Instance> tests = heldOut.stream()
          .filter(q -> test.contains(q.template())).toList();
      heldOutRows.addAll(timeHeldOut("lto-fold-" + fold, fold, db, tests, learners, null));
    }
  }

  private Map<EvalSystem, EngineSession> streamSessions(DemoDatabase db, Learners learners) {
    Map<EvalSystem, EngineSession> m = new EnumMap<>(EvalSystem.class);
    m.put(EvalSystem.STOCK, new EngineSession(Engine.STOCK, db, null));
    for (Learner l : learners.all()) {
      m.put(l.system, l.session(db));
    }
    return m;
  }

  private Map<EvalSystem, EngineSession> allSessions(DemoDatabase db, Learners learners) {
    Map<EvalSystem, EngineSession> m = streamSessions(db, learners);
    m.put(EvalSystem.TRUE_ROWS, EngineSession.calcite(Engine.STOCK, db,
        TrueRowCounts.driver(db.dataset() instanceof SkewDataset skew ? skew.rowCounts()
            : db.manifest().rowCounts()), null));
    m.put(EvalSystem.H2, new EngineSession(Engine.H2, db, null));
    return m;
  }

  private static void close(Map<EvalSystem, EngineSession> sessions) {
    sessions.values().forEach(EngineSession::close);
  }

  private Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }

  private Query query(Template.Instance q) {
    if (workload == Workload.TPCDS) {
      return TpcdsWorkload.query(q);
    }
    return new Query(q.name(), q.sql(), "template:" + q.template());
  }

  /**
   * Whether stream query {@code i} also runs on stock: around the change and at the end (the
   * drift's latency ratios) and every {@value #STOCK_EVERY}th query (the stream's totals). Stock
   * learns nothing, so the rest of its runs would only lengthen the evaluation.
   */
  private boolean needsStock(int i, int changeAt) {
    return i % STOCK_EVERY == 0 || (i >= changeAt - DRIFT_BEFORE && i < changeAt + DRIFT_AFTER)
        || i >= stream - DRIFT_BEFORE;
  }

  private StreamQuery streamQuery(int order, int index, String phase, Template.Instance instance,
      Map<EvalSystem, EngineSession> sessions, Learners learners, boolean withStock) {
    Query q = query(instance);
    LoraRuntime plugin = learners.plugin.loop;
    EvalSystem[] rotation = withStock
        ? new EvalSystem[] {EvalSystem.STOCK, EvalSystem.PLUGIN, EvalSystem.NODE_FEATURES,
            EvalSystem.SCALAR}
        : new EvalSystem[] {EvalSystem.PLUGIN, EvalSystem.NODE_FEATURES, EvalSystem.SCALAR};
    Map<EvalSystem, QueryRun> runs = new EnumMap<>(EvalSystem.class);
    ErrorSums pluginBefore = ErrorSums.of(plugin);
    ErrorSums nodeBefore = ErrorSums.of(learners.node.loop);
    ErrorSums scalarBefore = ErrorSums.of(learners.scalar.loop);
    long learnedRunsBefore = plugin.history(q.sql())
        .map(QueryHistory::learnedRuns).orElse(0L);
    for (int k = 0; k < rotation.length; k++) {
      EvalSystem s = rotation[(index + k) % rotation.length];
      runs.put(s, sessions.get(s).run(index + 1, q, timeout()));
    }
    double[] pluginErrors = ErrorSums.of(plugin).since(pluginBefore);
    double[] nodeErrors = ErrorSums.of(learners.node.loop).since(nodeBefore);
    double[] scalarErrors = ErrorSums.of(learners.scalar.loop).since(scalarBefore);
    long learnedRunsAfter = plugin.history(q.sql())
        .map(QueryHistory::learnedRuns).orElse(0L);
    QueryRun stock = runs.get(EvalSystem.STOCK);
    QueryRun reference = stock != null ? stock : runs.get(EvalSystem.PLUGIN);
    String mismatch = stock == null ? null
        : mismatch(q, reference, runs.get(EvalSystem.PLUGIN), "plugin");
    if (mismatch == null) {
      mismatch = mismatch(q, reference, runs.get(EvalSystem.NODE_FEATURES), "node-features");
    }
    if (mismatch == null) {
      mismatch = mismatch(q, reference, runs.get(EvalSystem.SCALAR), "scalar");
    }
    return new StreamQuery(order, index, phase, instance.template(), q.name(),
        stock == null ? Double.NaN : stock.ms(), runs.get(EvalSystem.PLUGIN).ms(),
        runs.get(EvalSystem.NODE_FEATURES).ms(), runs.get(EvalSystem.SCALAR).ms(),
        stock == null ? "not run" : status(stock), status(runs.get(EvalSystem.PLUGIN)),
        status(runs.get(EvalSystem.NODE_FEATURES)), status(runs.get(EvalSystem.SCALAR)),
        learnedRunsAfter > learnedRunsBefore ? "learned" : "stock", pluginErrors[1],
        nodeErrors[1], scalarErrors[1], pluginErrors[0], mismatch);
  }

  private static String status(QueryRun run) {
    return run.ok() ? "ok" : run.status().name().toLowerCase(Locale.ROOT)
        + (run.error() == null ? "" : ": " + run.error());
  }

  /** The first difference of {@code actual} from {@code expected}, or null if both agree. */
  private String mismatch(Query q, QueryRun expected, QueryRun actual, String who) {
    if (!expected.ok() || !actual.ok()) {
      return null;
    }
    ResultComparison c = comparator.compare(expected.result(), actual.result(), q);
    return c.equal() ? null : who + ": " + c.description();
  }

  // ---- held-out timing --------------------------------------------------------------------

  private List<HeldOutQuery> timeHeldOut(String split, int order, DemoDatabase db,
      List<Template.Instance> queries, Learners learners, List<ScopeQError> qErrors)
      throws Exception {
    EvalSystem[] systems = EvalSystem.values();
    int n = queries.size();
    double[][][] ms = new double[n][systems.length][repeats];
    String[][] status = new String[n][systems.length];
    String[][] mismatch = new String[n][systems.length];
    ResultTable[] reference = new ResultTable[n];
    double[][] planning = new double[n][systems.length];
    Map<EvalSystem, EngineSession> sessions = allSessions(db, learners);
    try {
      for (int rep = 0; rep < repeats; rep++) {
        for (int i = 0; i < n; i++) {
          Query q = query(queries.get(i));
          for (int k = 0; k < systems.length; k++) {
            int si = (i + rep + k) % systems.length;
            QueryRun run = sessions.get(systems[si]).run(rep + 1, q, timeout());
            ms[i][si][rep] = run.ms();
            if (!run.ok() && status[i][si] == null) {
              status[i][si] = status(run);
            }
            if (run.ok() && systems[si] == EvalSystem.H2 && reference[i] == null) {
              reference[i] = run.result();
            }
            if (run.ok() && mismatch[i][si] == null && reference[i] != null
                && systems[si] != EvalSystem.H2) {
              ResultComparison c = comparator.compare(reference[i], run.result(), q);
              mismatch[i][si] = c.equal() ? null : c.description();
            }
          }
        }
        log.printf(Locale.ROOT, "[%s %d] timed repetition %d/%d of %d queries on %d systems%n",
            split, order, rep + 1, repeats, n, systems.length);
      }
      for (int i = 0; i < n; i++) {
        Query q = query(queries.get(i));
        for (int si = 0; si < systems.length; si++) {
          planning[i][si] = systems[si] == EvalSystem.H2 ? Double.NaN
              : planningMs(sessions.get(systems[si]), q);
        }
      }
    } finally {
      close(sessions);
    }
    if (qErrors != null) {
      for (Learner l : learners.all()) {
        qErrors.addAll(qErrors(l));
      }
    }
    List<HeldOutQuery> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Template.Instance q = queries.get(i);
      for (int si = 0; si < systems.length; si++) {
        rows.add(new HeldOutQuery(split, order, q.template(), q.name(), systems[si].label(),
            ms[i][si], Results.median(ms[i][si]), planning[i][si],
            status[i][si] == null ? "ok" : status[i][si], mismatch[i][si]));
      }
    }
    return rows;
  }

  private double planningMs(EngineSession session, Query q) {
    double[] t = new double[3];
    for (int k = 0; k < t.length; k++) {
      StringBuilder failure = new StringBuilder();
      long t0 = System.nanoTime();
      EngineSession.Plan plan = session.explain(q, timeout(), failure);
      t[k] = plan == null ? Double.NaN : (System.nanoTime() - t0) / 1e6;
    }
    return Results.median(t);
  }

  private static List<ScopeQError> qErrors(Learner learner) {
    List<ScopeQError> list = new ArrayList<>();
    for (ScopeStats f : learner.loop.scopeStats()) {
      if (f.observations() > 0) {
        list.add(new ScopeQError(learner.system.label(), f.scope().displayName(),
            f.observations(), Math.exp(f.medianStockRowError()),
            Math.exp(f.medianLearnedRowError())));
      }
    }
    return list;
  }

  // ---- drift ------------------------------------------------------------------------------

  static Drift drift(int order, EvalSystem system, int changeAt, List<StreamQuery> rows) {
    double[] error = rows.stream().mapToDouble(r -> switch (system) {
      case PLUGIN -> r.pluginRowError();
      case NODE_FEATURES -> r.nodeRowError();
      default -> r.scalarRowError();
    }).toArray();
    double[] ms = rows.stream().mapToDouble(r -> switch (system) {
      case PLUGIN -> r.pluginMs();
      case NODE_FEATURES -> r.nodeMs();
      default -> r.scalarMs();
    }).toArray();
    double[] stock = rows.stream().mapToDouble(StreamQuery::stockMs).toArray();
    int from = Math.max(0, changeAt - DRIFT_BEFORE);
    double before = Results.median(java.util.Arrays.copyOfRange(error, from, changeAt));
    double firstAfter = Results.median(java.util.Arrays.copyOfRange(error, changeAt,
        Math.min(error.length, changeAt + DRIFT_AFTER)));
    int recovered = -1;
    double limit = Math.max(before * 1.25, before + 0.1);
    for (int k = 0; changeAt + k + DRIFT_AFTER <= error.length; k++) {
      double m = Results.median(java.util.Arrays.copyOfRange(error, changeAt + k,
          changeAt + k + DRIFT_AFTER));
      if (m <= limit) {
        recovered = k;
        break;
      }
    }
    return new Drift(order, system.label(), changeAt, before, firstAfter, recovered,
        ratio(ms, stock, from, changeAt), ratio(ms, stock, changeAt,
            Math.min(ms.length, changeAt + DRIFT_AFTER)),
        ratio(ms, stock, Math.max(changeAt, ms.length - DRIFT_BEFORE), ms.length));
  }

  private static double ratio(double[] ms, double[] stock, int from, int to) {
    double a = 0;
    double b = 0;
    for (int i = from; i < to; i++) {
      if (!Double.isNaN(stock[i])) {
        a += ms[i];
        b += stock[i];
      }
    }
    return b > 0 ? a / b : Double.NaN;
  }
}
