package dev.learnedcost.examples;

import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.examples.vector.VectorCatalog;
import dev.learnedcost.examples.vector.VectorPlanReport;
import dev.learnedcost.examples.tpcds.TpcdsQueries;
import dev.learnedcost.examples.report.ConsoleProgress;
import dev.learnedcost.examples.report.ConsoleReport;
import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.report.RoundResult;
import dev.learnedcost.examples.report.RunReport;
import dev.learnedcost.examples.report.ScopeRounds;
import dev.learnedcost.examples.internal.WorkloadRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command-line demo: runs a query workload for several rounds on H2, on stock Calcite and
 * on Calcite with the learned cost model, which learns after every query; prints a table per
 * round, the plans that changed, per-scope learning statistics and a summary; optionally writes
 * JSON and an HTML report with the learning curve.
 *
 * <p>Exit codes: 0 when every query ran and every result agreed across engines; 1 when a query
 * failed, timed out, returned a different result on some engine, or a query file could not be
 * read (the run goes on in every case); 2 for bad arguments. Run it with
 * {@code mvn -pl example-queries exec:java -Dexec.args="--help"}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    version = "learned-cost demo 0.1.0",
    description = {"Runs a query workload over generated H2 data on H2, stock Calcite and"
        + " Calcite with the learned cost model (learning after every query), round after round,"
        + " and compares latency, plans and results."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every query ran and all results agreed",
        "1:a result mismatch, failed or timed-out query, or unreadable query file",
        "2:bad arguments"})
public final class Demo implements Callable<Integer> {

  static {
    // The demo picks the SLF4J binding (slf4j-simple); Calcite's INFO chatter is not for users.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Built-in TPC-H queries left out of the default workload because stock Calcite plans them for
   * far longer than the default timeout at scale factor 0.01 (joins in Calcite, measured on a
   * 2-core machine): see the module README. {@code --include-slow} runs them too.
   */
  static final Set<String> SLOW_TPCH_QUERIES = Set.of("q02", "q05", "q07", "q08", "q09");

  /** Which engines run. */
  enum ModeOption { H2, STOCK, LEARNED, ALL }

  /** Which data sets. */
  enum DatasetOption { TPCH, SKEW, BOTH, VECTOR, TPCDS }

  @Spec
  CommandSpec spec;

  @Option(names = "--mode", defaultValue = "all", paramLabel = "MODE",
      description = "h2 (H2 runs the SQL), stock (Calcite, stock costs), learned (Calcite with"
          + " the learned model, learning after every query) or all; default ${DEFAULT-VALUE}")
  ModeOption mode;

  @Option(names = "--rounds", defaultValue = "4", paramLabel = "N",
      description = "rounds over the workload, at least 1; default ${DEFAULT-VALUE}")
  int rounds;

  @Option(names = "--last-round-runs", defaultValue = "3", paramLabel = "N",
      description = "executions of each query per engine in the last round, the engines taking"
          + " turns; its table shows each engine's median run; default ${DEFAULT-VALUE}")
  int lastRoundRuns;

  @Option(names = "--dataset", defaultValue = "skew", paramLabel = "NAME",
      description = "tpch, skew, both (tpch and skew), vector (kNN queries over clustered"
          + " embeddings with HNSW and IVF-Flat indexes) or tpcds (instances of the TPC-DS"
          + " templates, drawn with --seed); default ${DEFAULT-VALUE}")
  DatasetOption dataset;

  @Option(names = "--scale", defaultValue = "0.01", paramLabel = "SF",
      description = "TPC-H scale factor, in (0, 100], or TPC-DS scale factor, in [0.001, 100];"
          + " default ${DEFAULT-VALUE}")
  double scale;

  @Option(names = "--skew-size", defaultValue = "0.2", paramLabel = "F",
      description = "size factor of the skew data set, in [0.01, 20]; default ${DEFAULT-VALUE}")
  double skewSize;

  @Option(names = "--vector-rows", defaultValue = "20000", paramLabel = "N",
      description = "rows of the vector data set's ITEMS table, in [1000, 1000000]; default"
          + " ${DEFAULT-VALUE}")
  int vectorRows;

  @Option(names = "--vector-dim", defaultValue = "64", paramLabel = "D",
      description = "dimension of the vector data set, in [4, 1024]; default ${DEFAULT-VALUE}")
  int vectorDim;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "SEED",
      description = "seed of the skew data set and of the TPC-DS query parameters (TPC-H and"
          + " TPC-DS data have no seed); default ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--model", paramLabel = "PATH",
      description = "learned state file (adapters, cost calibration, per-query history of the"
          + " regression guard): opened if it exists, saved at the end, so learning carries over"
          + " between runs; a damaged file is reported, kept aside and learning starts over")
  Path modelPath;

  @Option(names = "--queries", paramLabel = "DIR",
      description = "run the *.sql files in DIR (one statement each, unqualified table names)"
          + " instead of the built-in queries; needs a single --dataset")
  Path queriesDir;

  @Option(names = "--include-slow",
      description = "also run the built-in TPC-H queries that stock Calcite plans slowly"
          + " (q02, q05, q07, q08, q09), and with --dataset tpcds every runnable template")
  boolean includeSlow;

  @Option(names = "--json", paramLabel = "PATH", description = "write the results as JSON")
  Path jsonPath;

  @Option(names = "--report", paramLabel = "DIR",
      description = "write an HTML report with the learning curve to DIR/report.html")
  Path reportDir;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "per query and engine; a query that takes longer is cancelled and reported"
          + " as TIMEOUT; default ${DEFAULT-VALUE}")
  long timeoutSeconds;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "where the H2 database files live; default target/demo-data")
  Path workDir;

  @Option(names = "--recall",
      description = "with --dataset vector: after the workload, run each query with the exact,"
          + " HNSW and IVF-Flat plans and the planners' choices, and print recall@k against the"
          + " exact plan and latency per plan")
  boolean recall;

  @Option(names = "--recall-analyze",
      description = "with --recall and the learned engine: also print each measured plan's last"
          + " execution node by node, the learned estimates beside the actual rows and times")
  boolean recallAnalyze;

  @Option(names = "--no-progress", description = "no progress bars (they go to stderr, and only"
      + " when it is a terminal: in a log, one line per round and table instead)")
  boolean noProgress;

  /** Runs the demo and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the demo's command line, enum values case-insensitive. */
  public static CommandLine commandLine() {
    return new CommandLine(new Demo()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  private PrintWriter out;
  private PrintWriter err;

  @Override
  public Integer call() throws IOException, InterruptedException {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    validate();
    Set<Engine> engines = engines();
    List<Dataset> datasets = datasets();

    List<String> loadFailures = new ArrayList<>();
    List<List<Query>> queries = new ArrayList<>();
    for (Dataset d : datasets) {
      queries.add(queriesDir != null ? userQueries(loadFailures) : builtInQueries(d));
    }

    List<DemoDatabase> databases = new ArrayList<>();
    LoraRuntime runtime = null;
    try {
      for (Dataset d : datasets) {
        databases.add(openDatabase(d));
      }
      if (engines.contains(Engine.LEARNED)) {
        // Saved at the end of the run (and when the runtime closes), not in between.
        LoraRuntimeConfig config = LoraRuntimeConfig.builder().stateFile(modelPath).saveEvery(0)
            .build();
        boolean exists = modelPath != null && Files.exists(modelPath);
        try {
          runtime = LoraRuntime.open(config);
        } catch (IllegalStateException e) {
          err.println("ERROR: " + e.getMessage());
          return 1;
        }
        if (runtime.loadProblem() != null) {
          err.println("WARNING: " + runtime.loadProblem() + "; starting untrained");
        } else if (modelPath != null) {
          out.printf(Locale.ROOT, "Model %s: %s%n", modelPath,
              exists ? "opened (learning continues)" : "not there yet, starting untrained");
        }
      } else if (modelPath != null) {
        err.println("Note: --model is ignored without the learned engine (--mode learned or all)");
      }
      List<WorkloadRunner.Workload> workloads = new ArrayList<>();
      for (int i = 0; i < databases.size(); i++) {
        workloads.add(new WorkloadRunner.Workload(databases.get(i), queries.get(i)));
      }
      int code = runWorkload(workloads, engines, runtime, loadFailures);
      if (recall) {
        code = Math.max(code, reportVectorPlans(databases, queries, runtime));
      }
      return code;
    } catch (SQLException | IOException e) {
      err.println("ERROR: " + e.getMessage());
      return 1;
    } finally {
      if (runtime != null) {
        runtime.close();
      }
      for (DemoDatabase db : databases) {
        try {
          db.close();
        } catch (SQLException e) {
          err.println("Warning: closing " + db + " failed: " + e.getMessage());
        }
      }
    }
  }

  private int runWorkload(List<WorkloadRunner.Workload> workloads, Set<Engine> engines,
      LoraRuntime runtime, List<String> loadFailures) throws IOException {
    List<RoundResult> results = new ArrayList<>();
    out.printf(Locale.ROOT, "Running %d queries on %s for %d round(s), timeout %d s%n",
        workloads.stream().mapToInt(w -> w.queries().size()).sum(),
        engines.stream().map(Engine::label).toList(), rounds, timeoutSeconds);
    out.flush();
    ScopeRounds scopeRounds = new ScopeRounds();
    ConsoleProgress.Rounds progress = ConsoleProgress.rounds(!noProgress, err);
    try (WorkloadRunner runner = new WorkloadRunner(workloads, engines,
        Duration.ofSeconds(timeoutSeconds), runtime)) {
      for (int r = 1; r <= rounds; r++) {
        int runs = r == rounds ? lastRoundRuns : 1;
        RoundResult round = runner.runRound(r, rounds, runs, progress);
        results.add(round);
        if (runtime != null) {
          scopeRounds.roundEnded(runtime.scopeStats());
        }
        ConsoleReport.printRound(out, round, rounds, engines, runs);
      }
    }
    return RunReport.finish(out, err, engines, results, scopeRounds, runtime, loadFailures,
        new RunReport.Outputs(modelPath, jsonPath, reportDir,
            "demo " + String.join(" ", spec.commandLine().getParseResult().originalArgs())));
  }

  /** Prints recall and latency per plan for the vector data set; 1 if an exact plan is wrong. */
  private int reportVectorPlans(List<DemoDatabase> databases, List<List<Query>> queries,
      LoraRuntime runtime) throws SQLException, IOException {
    int code = 0;
    for (int i = 0; i < databases.size(); i++) {
      if (!(databases.get(i).dataset() instanceof VectorDataset)) {
        continue;
      }
      List<VectorPlanReport.Row> rows = VectorPlanReport.measure(databases.get(i),
          queries.get(i), VECTOR_REPETITIONS, runtime);
      VectorPlanReport.print(out, rows);
      if (recallAnalyze) {
        VectorPlanReport.printAnalyze(out, rows);
      }
      if (rows.stream().anyMatch(r -> r.variant() == VectorPlanReport.Variant.EXACT
          && !r.exactMatchesH2())) {
        code = 1;
      }
      if (runtime != null) {
        int explored = VectorPlanReport.explore(databases.get(i), queries.get(i), runtime);
        out.printf(Locale.ROOT, "%nExploration: learned from %d executions of the forced"
            + " access paths (after the measurements above)%n", explored);
      }
    }
    if (runtime != null) {
      RunReport.awaitLearner(runtime);
      out.printf(Locale.ROOT, "%nVector scopes of the learned model%n");
      for (OperatorScope s : List.of(OperatorScope.HnswScan, OperatorScope.IvfFlatScan,
          OperatorScope.VectorDistance, OperatorScope.Rerank)) {
        long trajectories = runtime.trajectories().stream().filter(t -> t.opType() == s.id())
            .count();
        out.printf(Locale.ROOT, "  %-14s adaptations %6d, observations %5d, trajectories %5d%n",
            s.displayName(), runtime.scopeStats(s).adaptations(),
            runtime.scopeStats(s).observations(), trajectories);
      }
    }
    out.flush();
    return code;
  }

  /** Executions per plan in the vector plan report (after one warm-up). */
  static final int VECTOR_REPETITIONS = 5;

  private void validate() {
    if (rounds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--rounds must be at least 1, got " + rounds);
    }
    if (lastRoundRuns < 1) {
      throw new ParameterException(spec.commandLine(),
          "--last-round-runs must be at least 1, got " + lastRoundRuns);
    }
    if (timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--timeout must be at least 1 second, got " + timeoutSeconds);
    }
    if (dataset == DatasetOption.TPCDS) {
      try {
        new TpcdsDataset(scale);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--scale: " + e.getMessage());
      }
    } else if (!(scale > 0 && scale <= TpchDataset.MAX_SCALE_FACTOR)) {
      throw new ParameterException(spec.commandLine(), "--scale must be in (0, 100], got "
          + scale + "; the default is " + TpchDataset.DEFAULT_SCALE_FACTOR);
    }
    if (!(skewSize >= SkewDataset.MIN_SIZE_FACTOR && skewSize <= SkewDataset.MAX_SIZE_FACTOR)) {
      throw new ParameterException(spec.commandLine(), "--skew-size must be in [0.01, 20], got "
          + skewSize + "; the demo's default is 0.2");
    }
    if (recallAnalyze && !recall) {
      throw new ParameterException(spec.commandLine(), "--recall-analyze needs --recall");
    }
    if (recall && dataset != DatasetOption.VECTOR) {
      throw new ParameterException(spec.commandLine(), "--recall needs --dataset vector");
    }
    if (dataset == DatasetOption.VECTOR) {
      try {
        new VectorDataset(vectorRows, vectorDim, seed);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--vector-rows/--vector-dim: "
            + e.getMessage());
      }
    }
    if (queriesDir != null) {
      if (dataset == DatasetOption.BOTH) {
        throw new ParameterException(spec.commandLine(), "--queries needs a single data set:"
            + " pass --dataset tpch or --dataset skew, not both");
      }
      if (!Files.isDirectory(queriesDir)) {
        throw new ParameterException(spec.commandLine(), "--queries must be a readable"
            + " directory, got " + queriesDir.toAbsolutePath()
            + (Files.exists(queriesDir) ? " (not a directory)" : " (missing)"));
      }
      if (!Files.isReadable(queriesDir)) {
        throw new ParameterException(spec.commandLine(), "--queries directory "
            + queriesDir.toAbsolutePath() + " is not readable");
      }
    }
    if (workDir != null && Files.exists(workDir) && !Files.isDirectory(workDir)) {
      throw new ParameterException(spec.commandLine(), "--work-dir must be a directory, got the"
          + " file " + workDir.toAbsolutePath());
    }
  }

  private Set<Engine> engines() {
    return switch (mode) {
      case H2 -> EnumSet.of(Engine.H2);
      case STOCK -> EnumSet.of(Engine.STOCK);
      case LEARNED -> EnumSet.of(Engine.LEARNED);
      case ALL -> EnumSet.of(Engine.H2, Engine.STOCK, Engine.LEARNED);
    };
  }

  private List<Dataset> datasets() {
    List<Dataset> list = new ArrayList<>();
    if (dataset == DatasetOption.VECTOR) {
      list.add(new VectorDataset(vectorRows, vectorDim, seed));
      return list;
    }
    if (dataset == DatasetOption.TPCDS) {
      list.add(new TpcdsDataset(scale));
      return list;
    }
    if (dataset != DatasetOption.SKEW) {
      list.add(new TpchDataset(scale));
    }
    if (dataset != DatasetOption.TPCH) {
      list.add(new SkewDataset(skewSize, seed));
    }
    return list;
  }

  private List<Query> builtInQueries(Dataset d) {
    if (d instanceof TpcdsDataset tpcds) {
      return TpcdsQueries.demoWorkload(tpcds.scaleFactor(), seed, includeSlow);
    }
    List<Query> all = QueryCatalog.builtIn(d.name());
    if (includeSlow || !d.name().equals(TpchDataset.NAME)) {
      return all;
    }
    return all.stream().filter(q -> !SLOW_TPCH_QUERIES.contains(q.name())).toList();
  }

  /**
   * Loads every {@code *.sql} file in {@code --queries}; a file that cannot be read is reported,
   * counted and skipped.
   */
  private List<Query> userQueries(List<String> loadFailures) {
    try {
      return QueryCatalog.fromDirectory(queriesDir, message -> {
        err.println("ERROR: skipping query file " + message);
        loadFailures.add(message);
      });
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--queries: " + e.getMessage());
    }
  }

  private DemoDatabase openDatabase(Dataset d) throws IOException, SQLException {
    Path dir = workDir != null ? workDir : DemoDatabase.defaultDirectory();
    out.printf(Locale.ROOT, "Opening data set %s (%s) in %s%n", d.name(), d.parameters(),
        dir.toAbsolutePath());
    out.flush();
    DemoDatabase db;
    try (ConsoleProgress.Load bars = ConsoleProgress.load("load", !noProgress, err)) {
      db = DemoDatabase.open(dir, d, bars);
    }
    DemoDatabase.OpenReport report = db.openReport();
    out.printf(Locale.ROOT, "  %s in %.1f s: %s%n", report.action(),
        report.elapsed().toMillis() / 1000.0, report.reason());
    if (d instanceof VectorDataset) {
      for (VectorCatalog.IndexReport r : VectorCatalog.of(db).reports()) {
        out.println("  index " + r);
      }
    }
    out.flush();
    return db;
  }

}
