package dev.learnedcost.examples.flink;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.flink.FlinkInstallation;
import dev.learnedcost.calcite.flink.FlinkPlan;
import dev.learnedcost.calcite.flink.LoraFlink;
import dev.learnedcost.examples.DatasetFiles;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.report.ConsoleProgress;
import dev.learnedcost.examples.report.CrossEngineCheck;
import dev.learnedcost.examples.report.RoundResult;
import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs the demo's queries round after round on Flink in up to three engines, stock
 * ({@link Engine#FLINK}), with {@code ANALYZE TABLE} statistics ({@link Engine#FLINK_ANALYZE})
 * and with the learned runtime ({@link Engine#FLINK_LEARNED}), compares each query's results
 * across them and, after the learned engine ran a query, its plan with the stock plan.
 *
 * <p>Order: round by round, data set by data set, query by query, each query on the engines in
 * {@link Engine} order, so all see the same warm-up. The learned plan is explained after the
 * query ran and the runtime learned from it (the plan the next round plans, unless the guard
 * holds the query on its stock plan); the stock plan comes from a fourth environment with the
 * runtime installed in mode OFF (factors 1: Flink's own plan, traceable), once per query.
 * EXPLAIN is not part of any timing.
 */
final class FlinkWorkload implements AutoCloseable {
  /** The queries to run over one data set's files. */
  record Workload(DatasetFiles files, List<Query> queries) {
    Workload {
      Objects.requireNonNull(files, "files");
      queries = List.copyOf(queries);
    }
  }

  private final List<Workload> workloads;
  private final Set<Engine> engines;
  private final Duration timeout;
  private final LoraRuntime runtime;
  private final Map<Engine, FlinkSession> sessions = new EnumMap<>(Engine.class);
  private final FlinkInstallation learned;
  private final FlinkInstallation explainer;
  private final CrossEngineCheck check = new CrossEngineCheck();
  private final Map<String, FlinkPlan> stockPlans = new HashMap<>();

  /**
   * Creates the engines' environments, registers the tables in each and analyzes them for
   * {@link Engine#FLINK_ANALYZE}.
   *
   * @param engines Flink engines, at least one
   * @param runtime required when {@code engines} holds {@link Engine#FLINK_LEARNED}
   * @throws Exception if a table cannot be registered or analyzed
   */
  FlinkWorkload(FlinkCluster cluster, List<Workload> workloads, Set<Engine> engines,
      Duration timeout, LoraRuntime runtime) throws Exception {
    this.workloads = List.copyOf(workloads);
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("engines must not be empty");
    }
    this.engines = EnumSet.copyOf(engines);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.runtime = runtime;
    FlinkInstallation learnedInstallation = null;
    for (Engine e : this.engines) {
      var tEnv = cluster.newEnvironment();
      for (Workload w : this.workloads) {
        FlinkTables.register(tEnv, w.files());
        if (e == Engine.FLINK_ANALYZE) {
          FlinkTables.analyze(tEnv, w.files());
        }
      }
      FlinkInstallation installation = null;
      if (e == Engine.FLINK_LEARNED) {
        installation = LoraFlink.install(tEnv, Objects.requireNonNull(runtime, "runtime"),
            LoraMode.ON);
        learnedInstallation = installation;
      } else if (e != Engine.FLINK && e != Engine.FLINK_ANALYZE) {
        throw new IllegalArgumentException("engine must be a Flink engine, got " + e.label());
      }
      sessions.put(e, new FlinkSession(e, tEnv, installation));
    }
    this.learned = learnedInstallation;
    if (learned != null) {
      var tEnv = cluster.newEnvironment();
      for (Workload w : this.workloads) {
        FlinkTables.register(tEnv, w.files());
      }
      this.explainer = LoraFlink.install(tEnv, runtime, LoraMode.OFF);
    } else {
      this.explainer = null;
    }
  }

  long stepsPerRound() {
    long queries = 0;
    for (Workload w : workloads) {
      queries += w.queries().size();
    }
    return queries * engines.size();
  }

  /** Runs one round (1-based). */
  RoundResult runRound(int round, int rounds, ConsoleProgress.Rounds progress) {
    progress.roundStarted(round, rounds, stepsPerRound());
    List<RoundResult.Row> rows = new ArrayList<>();
    try {
      for (Workload w : workloads) {
        String dataset = w.files().dataset().name();
        for (Query q : w.queries()) {
          rows.add(runQuery(round, dataset, q, progress));
        }
      }
    } finally {
      progress.roundFinished();
    }
    return new RoundResult(round, rows);
  }

  private RoundResult.Row runQuery(int round, String dataset, Query q,
      ConsoleProgress.Rounds progress) {
    Map<Engine, QueryRun> runs = new LinkedHashMap<>();
    for (Engine e : engines) {
      progress.executing(dataset, q.name(), e);
      runs.put(e, sessions.get(e).run(round, dataset, q, timeout));
      progress.executed();
    }
    List<String> problems = new ArrayList<>();
    Boolean planChanged = null;
    RoundResult.PlanDiff diff = null;
    QueryRun learnedRun = runs.get(Engine.FLINK_LEARNED);
    if (learnedRun != null && learnedRun.ok()) {
      try {
        runtime.awaitIdle(Duration.ofSeconds(60));
        String key = dataset + "/" + q.name();
        FlinkPlan stock = stockPlans.get(key);
        if (stock == null) {
          explainer.tableEnvironment().useDatabase(FlinkTables.database(dataset));
          stock = explainer.explain(q.sql());
          stockPlans.put(key, stock);
        }
        learned.tableEnvironment().useDatabase(FlinkTables.database(dataset));
        FlinkPlan plan = learned.explain(q.sql());
        planChanged = !stock.text().equals(plan.text());
        if (planChanged) {
          diff = new RoundResult.PlanDiff(stock.text().strip(), plan.text().strip(),
              learned.trace(stock.root()).toString().strip(), plan.trace().toString().strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problems.add("interrupted while waiting for the learner");
      } catch (RuntimeException e) {
        problems.add("EXPLAIN failed: " + FlinkSession.describe(e));
      }
    }
    return new RoundResult.Row(dataset, q.name(), runs, planChanged, diff,
        check.compare(runs, q), problems);
  }

  @Override
  public void close() {
    sessions.clear();
  }
}
