package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.EngineSession;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.report.ConsoleProgress;
import dev.learnedcost.examples.report.CrossEngineCheck;
import dev.learnedcost.examples.report.RoundResult;
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
 * Runs queries for several rounds on several engines, compares each query's results across
 * engines and, when the learned engine runs, compares its plan with the stock plan.
 *
 * <p>Order: round by round; within a round, data set by data set, query by query, and for each
 * query the engines in {@link Engine} order, so all engines see the same warm-up. When the learned
 * engine returned a result, its plan is explained after the query ran and the model learned
 * from it (the plan the next round will execute) and compared with the stock plan, which is
 * explained once per query (it never changes).
 * {@code EXPLAIN} is not part of any timing.
 */
public final class WorkloadRunner implements AutoCloseable {

  /**
   * The queries to run on one database.
   *
   * @param database the open database
   * @param queries the queries, in execution order
   */
  public record Workload(DemoDatabase database, List<Query> queries) {
    /** Copies the queries. */
    public Workload {
      Objects.requireNonNull(database, "database");
      queries = List.copyOf(queries);
    }
  }

  private final List<Workload> workloads;
  private final Set<Engine> engines;
  private final Duration timeout;
  private final LoraRuntime runtime;
  private final CrossEngineCheck check = new CrossEngineCheck();
  private final Map<String, Map<Engine, EngineSession>> sessions = new HashMap<>();
  private final Map<String, EngineSession> explainSessions = new HashMap<>();
  private final Map<String, EngineSession.Plan> stockPlans = new HashMap<>();

  /**
   * Creates a runner; connections are opened when first used.
   *
   * @param engines at least one
   * @param runtime the learned model's runtime; required if {@code engines} holds
   *     {@link Engine#LEARNED}
   */
  public WorkloadRunner(List<Workload> workloads, Set<Engine> engines, Duration timeout,
      LoraRuntime runtime) {
    this.workloads = List.copyOf(workloads);
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("engines must not be empty");
    }
    this.engines = EnumSet.copyOf(engines);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.runtime = runtime;
    for (Workload w : this.workloads) {
      String name = w.database().dataset().name();
      Map<Engine, EngineSession> byEngine = new EnumMap<>(Engine.class);
      for (Engine e : this.engines) {
        byEngine.put(e, new EngineSession(e, w.database(), runtime));
      }
      sessions.put(name, byEngine);
      if (this.engines.contains(Engine.LEARNED)) {
        // Stock plans for the comparison: the stock engine's own connection when it runs.
        explainSessions.put(name, byEngine.containsKey(Engine.STOCK)
            ? byEngine.get(Engine.STOCK)
            : new EngineSession(Engine.STOCK, w.database(), null));
      }
    }
  }

  /** Returns the number of executions per round. */
  public long stepsPerRound() {
    long queries = 0;
    for (Workload w : workloads) {
      queries += w.queries().size();
    }
    return queries * engines.size();
  }

  /**
   * Runs one round.
   *
   * @param round 1-based
   * @param rounds the number of rounds, for progress only
   */
  public RoundResult runRound(int round, int rounds, ConsoleProgress.Rounds progress) {
    return runRound(round, rounds, 1, progress);
  }

  /**
   * Runs one round in which every query runs {@code runs} times on each engine, the engines
   * taking turns in an order that rotates from run to run (so that load from other processes
   * hits them alike); each engine's row holds its median run (by wall time; its preparation
   * time is the median of the runs' too), or its first failure or timeout.
   *
   * @param runs at least 1
   */
  public RoundResult runRound(int round, int rounds, int runs, ConsoleProgress.Rounds progress) {
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be at least 1, got " + runs);
    }
    progress.roundStarted(round, rounds, stepsPerRound() * runs);
    List<RoundResult.Row> rows = new ArrayList<>();
    try {
      for (Workload w : workloads) {
        String dataset = w.database().dataset().name();
        for (Query q : w.queries()) {
          rows.add(runQuery(round, dataset, q, runs, progress));
        }
      }
    } finally {
      progress.roundFinished();
    }
    return new RoundResult(round, rows);
  }

  private RoundResult.Row runQuery(int round, String dataset, Query q, int times,
      ConsoleProgress.Rounds progress) {
    List<Engine> order = new ArrayList<>(engines);
    Map<Engine, List<QueryRun>> all = new EnumMap<>(Engine.class);
    for (int k = 0; k < times; k++) {
      for (int i = 0; i < order.size(); i++) {
        Engine e = order.get((i + k) % order.size());
        progress.executing(dataset, q.name(), e);
        all.computeIfAbsent(e, x -> new ArrayList<>())
            .add(sessions.get(dataset).get(e).run(round, q, timeout));
        progress.executed();
      }
    }
    Map<Engine, QueryRun> runs = new LinkedHashMap<>();
    for (Engine e : engines) {
      runs.put(e, median(all.get(e)));
    }
    List<String> problems = new ArrayList<>();
    Boolean planChanged = null;
    RoundResult.PlanDiff diff = null;
    QueryRun learnedRun = runs.get(Engine.LEARNED);
    if (learnedRun != null && learnedRun.ok()) {
      String key = dataset + "/" + q.name();
      EngineSession.Plan stock = stockPlans.get(key);
      if (stock == null) {
        StringBuilder failure = new StringBuilder();
        stock = explainSessions.get(dataset).explain(q, timeout, failure);
        if (stock == null) {
          problems.add("stock EXPLAIN failed: " + failure);
        } else {
          stockPlans.put(key, stock);
        }
      }
      StringBuilder failure = new StringBuilder();
      EngineSession.Plan learned =
          sessions.get(dataset).get(Engine.LEARNED).explain(q, timeout, failure);
      if (learned == null) {
        problems.add("learned EXPLAIN failed: " + failure);
      }
      if (stock != null && learned != null) {
        planChanged = !stock.text().equals(learned.text());
        if (planChanged) {
          diff = new RoundResult.PlanDiff(stock.text(), learned.text(), corrections(stock),
              corrections(learned));
        }
      }
    }
    return new RoundResult.Row(dataset, q.name(), runs, planChanged, diff,
        check.compare(runs, q), problems);
  }

  /** The median run by wall time, with the median preparation time; the first failure if any. */
  static QueryRun median(List<QueryRun> runs) {
    for (QueryRun r : runs) {
      if (!r.ok()) {
        return r;
      }
    }
    if (runs.size() == 1) {
      return runs.get(0);
    }
    List<QueryRun> byMs = new ArrayList<>(runs);
    byMs.sort(java.util.Comparator.comparingDouble(QueryRun::ms));
    QueryRun mid = byMs.get((byMs.size() - 1) / 2);
    double[] plan = runs.stream().mapToDouble(QueryRun::planMs).filter(v -> !Double.isNaN(v))
        .sorted().toArray();
    double planMs = plan.length == 0 ? Double.NaN : plan[(plan.length - 1) / 2];
    return new QueryRun(mid.round(), mid.dataset(), mid.query(), mid.engine(), mid.status(),
        mid.ms(), planMs, mid.result(), mid.resultHash(), mid.error());
  }

  private String corrections(EngineSession.Plan plan) {
    if (plan.rel() == null) {
      return "(plan not captured)";
    }
    try {
      return runtime.trace(plan.rel()).toString().strip();
    } catch (RuntimeException e) {
      return "(tracing the plan failed: " + EngineSession.describe(e) + ")";
    }
  }

  /** Closes every connection. */
  @Override
  public void close() {
    for (Map<Engine, EngineSession> byEngine : sessions.values()) {
      byEngine.values().forEach(EngineSession::close);
    }
    explainSessions.values().forEach(EngineSession::close);
  }

  /** Returns the engines, in {@link Engine} order. */
  public Set<Engine> engines() {
    return EnumSet.copyOf(engines);
  }
}
