package dev.learnedcost.examples.flink;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.flink.FlinkInstallation;
import dev.learnedcost.calcite.flink.LoraFlink;
import dev.learnedcost.examples.DatasetFiles;
import dev.learnedcost.examples.LoadProgressListener;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.QueryCatalog;
import dev.learnedcost.examples.TpchDataset;
import dev.learnedcost.examples.report.CrossEngineCheck;
import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.TableEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The plan-quality evaluation on Flink, the sibling of the tests module's evaluation (which runs
 * on Calcite 1.42 and cannot share a class path with Flink's Calcite 1.36): TPC-H query
 * templates whose parameters are drawn afresh per instance (the specification's substitution
 * ranges); the learned engine learns from a stream of training instances, then every engine
 * (stock Flink, Flink with {@code ANALYZE TABLE} statistics, Flink with the learned model) runs
 * held-out instances, in turns, several times; per instance and engine the median time counts.
 * Then the planning time of stock and learned Flink, interleaved, on the held-out statements.
 * Prints a Markdown table (and writes it with {@code --out}).
 *
 * <p>Exit codes: 0 when the evaluation ran (goals met or not: the table says), 1 when an
 * execution failed or results differed across engines, 2 for bad arguments.
 */
@Command(name = "flink-evaluation", mixinStandardHelpOptions = true, sortOptions = false,
    version = "learned-cost Flink evaluation 0.1.0",
    description = {"Trains the learned model on TPC-H template instances on a Flink MiniCluster,"
        + " then times held-out instances on stock Flink, Flink with ANALYZE TABLE statistics"
        + " and learned Flink (medians of interleaved repetitions) and the planning time of"
        + " stock against learned Flink."})
public final class FlinkEvaluation implements Callable<Integer> {
  static {
    FlinkCluster.quietLogging("error");
  }

  /** The three engines, in the order of the table. */
  static final List<Engine> ENGINES =
      List.of(Engine.FLINK, Engine.FLINK_ANALYZE, Engine.FLINK_LEARNED);
  /** A learned time above this factor of stock's is a regression in the goals. */
  static final double REGRESSION_FACTOR = 2.0;

  /**
   * A TPC-H template: a built-in query whose validation parameters are replaced.
   *
   * @param query the built-in TPC-H query, e.g. {@code q03}
   * @param parameters draws one instance's replacements: literal text of the query to the text
   *     replacing it
   */
  record Template(String query, Function<SplittableRandom, Map<String, String>> parameters) {
    /** Returns an instance named {@code name}, its parameters drawn from {@code random}. */
    Query instance(SplittableRandom random, String name) {
      Query base = QueryCatalog.builtIn(TpchDataset.NAME, query);
      Map<String, String> replace = parameters.apply(random);
      Matcher m = Pattern.compile(replace.keySet().stream().map(Pattern::quote)
          .reduce((a, b) -> a + "|" + b).orElseThrow()).matcher(base.sql());
      StringBuilder sql = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sql, Matcher.quoteReplacement(replace.get(m.group())));
      }
      m.appendTail(sql);
      return new Query(name, sql.toString(), base.source() + " " + replace);
    }
  }

  private static final String[] SEGMENTS =
      {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
  private static final String[] REGIONS = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
  private static final String[] SHIP_MODES =
      {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

  private static String date(LocalDate d) {
    return "DATE '" + d + "'";
  }

  /** The templates: TPC-H Q3, Q5, Q10, Q12 and Q14 with the specification's parameter ranges. */
  static List<Template> templates() {
    return List.of(
        new Template("q03", r -> Map.of("'BUILDING'", "'" + SEGMENTS[r.nextInt(5)] + "'",
            date(LocalDate.of(1995, 3, 15)), date(LocalDate.of(1995, 3, 1 + r.nextInt(31))))),
        new Template("q05", r -> Map.of("'ASIA'", "'" + REGIONS[r.nextInt(5)] + "'",
            date(LocalDate.of(1994, 1, 1)), date(LocalDate.of(1993 + r.nextInt(5), 1, 1)))),
        new Template("q10", r -> Map.of(date(LocalDate.of(1993, 10, 1)),
            date(LocalDate.of(1993, 2, 1).plusMonths(r.nextInt(24))))),
        new Template("q12", r -> {
          int a = r.nextInt(SHIP_MODES.length);
          int b = (a + 1 + r.nextInt(SHIP_MODES.length - 1)) % SHIP_MODES.length;
          return Map.of("'MAIL'", "'" + SHIP_MODES[a] + "'", "'SHIP'",
              "'" + SHIP_MODES[b] + "'", date(LocalDate.of(1994, 1, 1)),
              date(LocalDate.of(1993 + r.nextInt(5), 1, 1)));
        }),
        new Template("q14", r -> Map.of(date(LocalDate.of(1995, 9, 1)),
            date(LocalDate.of(1993, 1, 1).plusMonths(r.nextInt(60))))));
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--scale", defaultValue = "0.05", paramLabel = "SF",
      description = "TPC-H scale factor, in (0, 100]; default ${DEFAULT-VALUE}")
  double scale;

  @Option(names = "--train", defaultValue = "4", paramLabel = "N",
      description = "training instances per template, at least 1; default ${DEFAULT-VALUE}")
  int train;

  @Option(names = "--held-out", defaultValue = "2", paramLabel = "N",
      description = "held-out instances per template, at least 1; default ${DEFAULT-VALUE}")
  int heldOut;

  @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
      description = "runs of each held-out instance per engine (the median counts), at least 1;"
          + " default ${DEFAULT-VALUE}")
  int repeats;

  @Option(names = "--plan-repeats", defaultValue = "9", paramLabel = "N",
      description = "planning-time measurements per held-out statement and engine, at least 1;"
          + " default ${DEFAULT-VALUE}")
  int planRepeats;

  @Option(names = "--seed", defaultValue = "7", paramLabel = "SEED",
      description = "seed of the parameter draws; default ${DEFAULT-VALUE}")
  long seed;

  @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
      description = "per execution; default ${DEFAULT-VALUE}")
  long timeoutSeconds;

  @Option(names = "--parallelism", defaultValue = "2", paramLabel = "N",
      description = "MiniCluster slots and default parallelism; default ${DEFAULT-VALUE}")
  int parallelism;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "where the data files live; default target/demo-data")
  Path workDir;

  @Option(names = "--out", paramLabel = "PATH", description = "also write the table to PATH")
  Path outPath;

  private PrintWriter out;

  /** Runs the evaluation and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new FlinkEvaluation()).execute(args));
  }

  /** One held-out instance's measurements. */
  record Row(String template, Query query, Map<Engine, double[]> ms, List<String> problems,
      double[] stockPlanMs, double[] learnedPlanMs) {}

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    validate();
    TpchDataset dataset = new TpchDataset(scale);
    Path dir = workDir != null ? workDir : Path.of("target", "demo-data");
    out.printf(Locale.ROOT, "Opening %s (%s) as files in %s%n", dataset.name(),
        dataset.parameters(), dir.toAbsolutePath());
    out.flush();
    DatasetFiles files = DatasetFiles.open(dir, dataset, LoadProgressListener.NONE);
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    List<Template> templates = templates();
    long started = System.nanoTime();
    try (FlinkCluster cluster = FlinkCluster.start(parallelism);
        LoraRuntime runtime = LoraRuntime.open(LoraFlink.configBuilder().saveEvery(0).build())) {
      Map<Engine, FlinkSession> sessions = new EnumMap<>(Engine.class);
      for (Engine e : ENGINES) {
        TableEnvironment t = cluster.newEnvironment();
        FlinkTables.register(t, files);
        if (e == Engine.FLINK_ANALYZE) {
          FlinkTables.analyze(t, files);
        }
        FlinkInstallation installation =
            e == Engine.FLINK_LEARNED ? LoraFlink.install(t, runtime, LoraMode.ON) : null;
        sessions.put(e, new FlinkSession(e, t, installation));
      }
      FlinkSession learned = sessions.get(Engine.FLINK_LEARNED);

      SplittableRandom trainRandom = new SplittableRandom(seed);
      int trainFailures = 0;
      for (int i = 0; i < train; i++) {
        for (Template t : templates) {
          Query q = t.instance(trainRandom, t.query() + "_train" + i);
          QueryRun run = learned.run(0, dataset.name(), q, timeout);
          if (!run.ok()) {
            trainFailures++;
            out.printf(Locale.ROOT, "  training %s: %s %s%n", q.name(), run.status(),
                run.error());
          }
          runtime.awaitIdle(Duration.ofSeconds(60));
        }
        out.printf(Locale.ROOT, "Trained on %d of %d instances (%.0f s)%n",
            (i + 1) * templates.size(), train * templates.size(),
            (System.nanoTime() - started) / 1e9);
        out.flush();
      }

      SplittableRandom heldOutRandom = new SplittableRandom(seed).split();
      CrossEngineCheck check = new CrossEngineCheck();
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < heldOut; i++) {
        for (Template t : templates) {
          Query q = t.instance(heldOutRandom, t.query() + "_heldout" + i);
          rows.add(measure(t, q, sessions, check, dataset.name(), timeout));
          runtime.awaitIdle(Duration.ofSeconds(60));
        }
        out.printf(Locale.ROOT, "Held-out instances: %d of %d (%.0f s)%n",
            (i + 1) * templates.size(), heldOut * templates.size(),
            (System.nanoTime() - started) / 1e9);
        out.flush();
      }
      for (Row row : rows) {
        planTimes(row, sessions, dataset.name());
      }
      String table = table(rows, trainFailures);
      out.println();
      out.println(table);
      out.flush();
      if (outPath != null) {
        Files.writeString(outPath, table, StandardCharsets.UTF_8);
        out.println("Written to " + outPath);
      }
      boolean failed = trainFailures > 0 || rows.stream().anyMatch(r -> !r.problems().isEmpty());
      return failed ? 1 : 0;
    }
  }

  private Row measure(Template t, Query q, Map<Engine, FlinkSession> sessions,
      CrossEngineCheck check, String dataset, Duration timeout) {
    Map<Engine, double[]> ms = new EnumMap<>(Engine.class);
    List<String> problems = new ArrayList<>();
    for (Engine e : ENGINES) {
      ms.put(e, new double[repeats]);
    }
    for (int r = 0; r < repeats; r++) {
      Map<Engine, QueryRun> runs = new LinkedHashMap<>();
      for (int k = 0; k < ENGINES.size(); k++) {
        Engine e = ENGINES.get((k + r) % ENGINES.size()); // turns rotate: no fixed first
        QueryRun run = sessions.get(e).run(r + 1, dataset, q, timeout);
        runs.put(e, run);
        ms.get(e)[r] = run.ok() ? run.ms() : Double.NaN;
        if (!run.ok()) {
          problems.add(e.label() + " " + run.status() + ": " + run.error());
        }
      }
      Map<Engine, QueryRun> ordered = new LinkedHashMap<>();
      ENGINES.forEach(e -> ordered.put(e, runs.get(e)));
      check.compare(ordered, q).forEach(m -> problems.add(m.toString()));
    }
    return new Row(t.query(), q, ms, problems, new double[planRepeats],
        new double[planRepeats]);
  }

  /** Compiles the statement on stock and learned Flink in turns, timing each compilation. */
  private void planTimes(Row row, Map<Engine, FlinkSession> sessions, String dataset) {
    FlinkSession stock = sessions.get(Engine.FLINK);
    FlinkSession learned = sessions.get(Engine.FLINK_LEARNED);
    for (FlinkSession s : List.of(stock, learned)) { // warm-up, not counted
      s.tableEnvironment().useDatabase(FlinkTables.database(dataset));
      s.tableEnvironment().compilePlanSql(s.insert(dataset, row.query()));
    }
    for (int i = 0; i < planRepeats; i++) {
      boolean stockFirst = i % 2 == 0;
      for (int k = 0; k < 2; k++) {
        boolean isStock = (k == 0) == stockFirst;
        FlinkSession s = isStock ? stock : learned;
        String insert = s.insert(dataset, row.query());
        long start = System.nanoTime();
        s.tableEnvironment().compilePlanSql(insert);
        double ms = (System.nanoTime() - start) / 1e6;
        (isStock ? row.stockPlanMs() : row.learnedPlanMs())[i] = ms;
      }
    }
  }

  private String table(List<Row> rows, int trainFailures) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Held-out TPC-H instances at scale factor %s,"
            + " parallelism %d; %d training instances per template; median of %d interleaved"
            + " runs per instance and engine (ms, planning and execution)%n%n", scale,
        parallelism, train, repeats));
    b.append("| instance | stock | analyze | learned | learned/stock | learned/analyze |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    double[] totals = new double[ENGINES.size()];
    int regressions = 0;
    int mismatchesOrFailures = 0;
    List<Double> planRatios = new ArrayList<>();
    double stockPlan = 0;
    double learnedPlan = 0;
    for (Row row : rows) {
      double[] med = new double[ENGINES.size()];
      for (int k = 0; k < ENGINES.size(); k++) {
        med[k] = median(row.ms().get(ENGINES.get(k)));
        totals[k] += Double.isNaN(med[k]) ? 0 : med[k];
      }
      if (med[2] > REGRESSION_FACTOR * med[0]) {
        regressions++;
      }
      mismatchesOrFailures += row.problems().size();
      b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f | %.2f |%n",
          row.query().name(), med[0], med[1], med[2], med[2] / med[0], med[2] / med[1]));
      double sp = median(row.stockPlanMs());
      double lp = median(row.learnedPlanMs());
      stockPlan += sp;
      learnedPlan += lp;
      planRatios.add(lp / sp);
    }
    b.append(String.format(Locale.ROOT, "| **total of medians** | %.0f | %.0f | %.0f | %.2f |"
        + " %.2f |%n%n", totals[0], totals[1], totals[2], totals[2] / totals[0],
        totals[2] / totals[1]));
    b.append(String.format(Locale.ROOT, "- learned / stock total: %.2f (goal <= 0.80: %s);"
            + " learned / analyze total: %.2f (goal <= 1.00: %s)%n", totals[2] / totals[0],
        totals[2] / totals[0] <= 0.8 ? "met" : "NOT met", totals[2] / totals[1],
        totals[2] / totals[1] <= 1.0 ? "met" : "NOT met"));
    b.append(String.format(Locale.ROOT, "- instances more than %.0fx slower than stock: %d;"
            + " result mismatches and failures: %d; training failures: %d%n",
        REGRESSION_FACTOR, regressions, mismatchesOrFailures, trainFailures));
    double[] ratios = planRatios.stream().mapToDouble(Double::doubleValue).toArray();
    b.append(String.format(Locale.ROOT, "- planning (compilePlanSql, median of %d interleaved"
            + " compilations per statement): stock %.1f ms, learned %.1f ms summed over the"
            + " statements, ratio %.3f; median per-statement ratio %.3f (goal <= 1.05: %s)%n",
        planRepeats, stockPlan, learnedPlan, learnedPlan / stockPlan, median(ratios),
        learnedPlan / stockPlan <= 1.05 ? "met" : "NOT met"));
    for (Row row : rows) {
      for (String p : row.problems()) {
        b.append("- ").append(row.query().name()).append(": ").append(p).append('\n');
      }
    }
    return b.toString();
  }

  /** The median of the values that are not NaN; NaN when none is. */
  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (!(scale > 0 && scale <= TpchDataset.MAX_SCALE_FACTOR)) {
      throw new ParameterException(cl, "--scale must be in (0, 100], got " + scale);
    }
    for (Object[] o : new Object[][] {{"--train", train}, {"--held-out", heldOut},
        {"--repeats", repeats}, {"--plan-repeats", planRepeats}, {"--parallelism", parallelism},
        {"--timeout", (int) Math.min(Integer.MAX_VALUE, timeoutSeconds)}}) {
      if ((int) o[1] < 1) {
        throw new ParameterException(cl, o[0] + " must be at least 1, got " + o[1]);
      }
    }
    if (workDir != null && Files.exists(workDir) && !Files.isDirectory(workDir)) {
      throw new ParameterException(cl, "--work-dir must be a directory, got the file "
          + workDir.toAbsolutePath());
    }
  }
}
