package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.ExecutedNode;
import dev.learnedcost.calcite.ExecutedPlan;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.PlanTrace;
import dev.learnedcost.calcite.QueryScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.CompiledPlan;
import org.apache.flink.table.api.PlannerConfig;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.planner.calcite.CalciteConfig;
import org.apache.flink.table.planner.calcite.CalciteConfigBuilder;
import org.apache.flink.table.planner.plan.metadata.FlinkDefaultRelMetadataProvider;
import org.apache.flink.table.planner.plan.optimize.program.BatchOptimizeContext;
import org.apache.flink.table.planner.plan.optimize.program.FlinkBatchProgram;
import org.apache.flink.table.planner.plan.optimize.program.FlinkChainedProgram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LoraRuntime} installed on one batch {@link TableEnvironment} (by
 * {@link LoraFlink#install}): every optimization of the environment plans with the runtime's
 * corrections in one mode, and {@link #run} plans a statement through the regression guard,
 * executes it, measures every plan node and hands the execution to the runtime to learn from.
 *
 * <p>Two steps are added to Flink's batch optimization program, which is built once, here:
 * {@value #INSTALL_STEP} first (sets the cluster's metadata provider to ours in front of Flink's
 * and drops the cluster's cached metadata query, so that the next {@code FlinkRelMetadataQuery}
 * reads our provider from {@code RelMetadataQueryBase.THREAD_PROVIDERS}, where
 * {@code setMetadataProvider} puts it) and {@value #CAPTURE_STEP} last (hands the optimized
 * physical plan to {@link #run} and {@link #explain}). Flink's query supplier is kept: Flink's
 * {@code reuseOrCreate} drops a plain {@code RelMetadataQuery}. Because the program is built
 * once, the guard's stock choice acts inside the corrections: while a query on the planning
 * thread plans stock, every factor is 1 and the planner sees exactly Flink's estimates.
 *
 * <p>Like the {@code TableEnvironment} it belongs to, not thread-safe.
 */
public final class FlinkInstallation {
  /** The name of the first program step. */
  public static final String INSTALL_STEP = "lora_install_metadata";
  /** The name of the last program step. */
  public static final String CAPTURE_STEP = "lora_capture_physical_plan";

  private static final Logger LOG = LoggerFactory.getLogger(FlinkInstallation.class);
  private static final AtomicLong UNMEASURED = new AtomicLong();
  private static final AtomicBoolean UNMEASURED_LOGGED =
      new AtomicBoolean();

  private final TableEnvironment tEnv;
  private final LoraRuntime runtime;
  private final LoraMode mode;
  private final JaninoRelMetadataProvider provider;
  private final FlinkEngineMetadata metadata;
  private final ThreadLocal<Capture> capture = new ThreadLocal<>();

  /**
   * What the last program step saw of one statement: the optimized physical roots, and per
   * physical node the planner's row estimate (ours) and Flink's own, from the planner's metadata
   * query at the end of optimization.
   */
  static final class Capture {
    final List<RelNode> roots = new ArrayList<>();
    final IdentityHashMap<RelNode, double[]> rows = new IdentityHashMap<>();

    void add(RelNode root) {
      roots.add(root);
      estimate(root, root.getCluster().getMetadataQuery());
    }

    private void estimate(RelNode rel, RelMetadataQuery mq) {
      if (rows.containsKey(rel)) {
        return;
      }
      Double planned = mq.getRowCount(rel);
      Double flink = FlinkMetadata.flinkRowCount().getRowCount(rel, mq);
      rows.put(rel, new double[] {
          planned == null ? Double.NaN : planned, flink == null ? Double.NaN : flink});
      for (RelNode input : rel.getInputs()) {
        estimate(input, mq);
      }
    }

    RelNode onlyRoot(String sql) {
      if (roots.size() != 1) {
        throw new IllegalStateException("the statement must plan to exactly one sink or query,"
            + " got " + roots.size() + " optimized roots for: " + sql);
      }
      return roots.get(0);
    }
  }

  private FlinkInstallation(TableEnvironment tEnv, LoraRuntime runtime, LoraMode mode,
      RelMetadataProvider ours) {
    this.tEnv = tEnv;
    this.runtime = runtime;
    this.mode = mode;
    this.provider = JaninoRelMetadataProvider.of(ChainedRelMetadataProvider.of(
        List.of(ours, FlinkDefaultRelMetadataProvider.INSTANCE())));
    this.metadata = new FlinkEngineMetadata(provider);
  }

  static FlinkInstallation install(TableEnvironment tEnv, LoraRuntime runtime, LoraMode mode,
      FlinkCorrection correction) {
    PlannerConfig current = tEnv.getConfig().getPlannerConfig();
    CalciteConfig calcite = current instanceof CalciteConfig c ? c : null;
    FlinkChainedProgram<BatchOptimizeContext> program =
        calcite != null && calcite.getBatchProgram().isDefined()
            ? calcite.getBatchProgram().get()
            : FlinkBatchProgram.buildProgram(tEnv.getConfig());
    if (program.get(INSTALL_STEP).isDefined()) {
      throw new IllegalStateException("the plugin is already installed on this TableEnvironment "
          + "(its batch program has the step " + INSTALL_STEP + "); install it once");
    }
    FlinkInstallation installation = new FlinkInstallation(tEnv, runtime, mode,
        FlinkMetadata.handlers(correction));
    program.addFirst(INSTALL_STEP, (root, context) -> {
      RelOptCluster cluster = root.getCluster();
      cluster.setMetadataProvider(installation.provider);
      cluster.invalidateMetadataQuery();
      return root;
    });
    program.addLast(CAPTURE_STEP, (root, context) -> {
      Capture c = installation.capture.get();
      if (c != null) {
        c.add(root);
      }
      return root;
    });
    CalciteConfigBuilder builder =
        calcite != null ? CalciteConfig.createBuilder(calcite) : CalciteConfig.createBuilder();
    tEnv.getConfig().setPlannerConfig(builder.replaceBatchProgram(program).build());
    return installation;
  }

  /** The provider every optimization uses: ours chained in front of Flink's, compiled. */
  public JaninoRelMetadataProvider metadataProvider() {
    return provider;
  }

  /** The table environment this installation belongs to. */
  public TableEnvironment tableEnvironment() {
    return tEnv;
  }

  /** The runtime whose corrections the planner uses and which learns from {@link #run}. */
  public LoraRuntime runtime() {
    return runtime;
  }

  /** The mode the planner uses the runtime's corrections in. */
  public LoraMode mode() {
    return mode;
  }

  /**
   * Plans {@code sql} (a query or one {@code INSERT}) as {@code TableEnvironment.explainSql}
   * does, outside the regression guard (like Calcite's {@code EXPLAIN}: with the corrections of
   * this installation's mode), and returns the optimized physical plan with the runtime's view
   * of every node.
   *
   * @throws IllegalStateException if the statement plans to no or several roots
   */
  public FlinkPlan explain(String sql) {
    Objects.requireNonNull(sql, "sql");
    Capture captured = new Capture();
    capture.set(captured);
    try {
      tEnv.explainSql(sql);
    } finally {
      capture.remove();
    }
    RelNode root = captured.onlyRoot(sql);
    return new FlinkPlan(root, RelOptUtil.toString(root, SqlExplainLevel.EXPPLAN_ATTRIBUTES),
        trace(root));
  }

  /**
   * Traces a Flink batch physical plan with this installation's corrections and mode: per node
   * its scope, Flink's estimate, the model's correction and the learned estimate (in mode OFF
   * and SHADOW, what the model would apply). The plan may come from another table environment
   * (a stock plan, to see what the model thinks of it).
   */
  public PlanTrace trace(RelNode physicalRoot) {
    return runtime.trace(Objects.requireNonNull(physicalRoot, "physicalRoot"), mode, metadata);
  }

  /**
   * Returns how many executions in this JVM ran to the end but could not be mapped to their
   * plans (an executed graph Flink serialized in a way {@link #run} does not read): their
   * results are written, they are not learned from, and their {@link FlinkExecution#root()}
   * has no actual rows.
   */
  public static long unmeasuredExecutions() {
    return UNMEASURED.get();
  }

  /** {@link #run(String, Duration)} without a timeout. */
  public FlinkExecution run(String insertSql) throws ExecutionException, InterruptedException {
    try {
      return run(insertSql, null);
    } catch (TimeoutException e) {
      throw new AssertionError("no timeout was set", e);
    }
  }

  /**
   * Plans {@code insertSql} (one {@code INSERT} statement) through the runtime's regression
   * guard, runs the job and waits for it, maps Flink's operator metrics to every plan node the
   * planner estimated, and hands the execution to the runtime, whose learner thread learns from
   * it off this thread.
   *
   * <ol>
   *   <li>{@code runtime.beginQuery(insertSql)}: the guard chooses learned or stock planning;
   *       the scope is closed when planning ends, so the guard also sees the preparation's
   *       time.</li>
   *   <li>The statement is compiled ({@code TableEnvironment.compilePlanSql}) and then
   *       executed, because the compiled plan's node ids are the ids in the running operators'
   *       names ({@code HashJoin[6]}); the module README says what is exact and what is
   *       approximated.</li>
   *   <li>While the job runs, the optimized plan is traced ({@code runtime.trace(root, mode,
   *       flinkMetadata)}): per node the scope, Flink's estimate, the correction and its
   *       embedding. A trace outside the query scope sees the model whatever the guard chose,
   *       so a stock-planned execution teaches as much as a learned one.</li>
   *   <li>After the job: an {@link ExecutedPlan} (folded nodes, self time where Flink measures
   *       it alone, children as executed) goes to {@code runtime.learn}. A job that runs
   *       into the timeout is cancelled and reported to the guard as incomplete (its time is a
   *       lower bound); a failed job is reported to nobody.</li>
   * </ol>
   *
   * <p>Needs the metrics reporter in the cluster's configuration
   * ({@link LoraFlink#addMetricsReporter}) and the settings
   * {@link FlinkSettings#REQUIRED_FOR_ACTUALS}.
   *
   * @param timeout the longest the job may run, or null for no limit
   * @throws IllegalStateException if a required setting is missing, the statement plans to no
   *     or several sinks, or no operator metrics arrived for the job (an executed graph that
   *     does not match the optimized plan is not an error: the execution is returned without
   *     actual rows and not learned from, see {@link #unmeasuredExecutions()})
   * @throws ExecutionException if the job fails
   * @throws TimeoutException if the job ran longer than {@code timeout} (it is cancelled)
   * @throws InterruptedException if interrupted while waiting for the job
   */
  public FlinkExecution run(String insertSql, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    Objects.requireNonNull(insertSql, "insertSql");
    FlinkSettings.requireForActuals(tEnv.getConfig());
    Capture captured = new Capture();
    CompiledPlan plan;
    long planStart = System.nanoTime();
    QueryScope query = runtime.beginQuery(insertSql);
    capture.set(captured);
    try {
      plan = tEnv.compilePlanSql(insertSql);
    } finally {
      capture.remove();
      query.close();
    }
    long planningNanos = System.nanoTime() - planStart;
    RelNode optimized = captured.onlyRoot(insertSql);
    ExecGraph graph = ExecGraph.parse(plan.asJsonString());

    long start = System.nanoTime();
    TableResult result = plan.execute();
    JobClient client = result.getJobClient().orElseThrow(() ->
        new IllegalStateException("the statement started no job: " + insertSql));
    JobID jobId = client.getJobID();
    PlanTrace trace;
    try {
      trace = runtime.trace(optimized, mode, metadata);
    } catch (RuntimeException | Error e) {
      client.cancel();
      OperatorMetricsStore.INSTANCE.take(jobId.toString());
      throw e;
    }
    try {
      if (timeout == null) {
        result.await();
      } else {
        result.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (TimeoutException e) {
      double ms = (System.nanoTime() - start) / 1e6;
      client.cancel();
      OperatorMetricsStore.INSTANCE.take(jobId.toString());
      runtime.learn(new ExecutedPlan(query, trace.planHash(),
          ExecutedNode.leaf(trace.root(), 0, Double.NaN), ms, false));
      TimeoutException t = new TimeoutException("job " + jobId + " ran longer than " + timeout
          + " and was cancelled: " + insertSql);
      t.initCause(e);
      throw t;
    } catch (ExecutionException | RuntimeException e) {
      OperatorMetricsStore.INSTANCE.take(jobId.toString());
      throw e;
    }
    long executionNanos = System.nanoTime() - start;
    OperatorMetricsStore.JobMetrics metrics = OperatorMetricsStore.INSTANCE.take(jobId.toString());
    if (metrics == null) {
      throw new IllegalStateException("no operator metrics arrived for job " + jobId
          + ": register the reporter in the cluster configuration with "
          + "LoraFlink.addMetricsReporter(config) (metrics.reporter." + LoraFlink.REPORTER_NAME
          + ".factory.class=" + OperatorMetricsReporterFactory.class.getName()
          + "); only a cluster in this JVM reports to it");
    }
    FlinkPlanNode root;
    ExecutedPlan executed;
    try {
      root = PlanActuals.map(optimized, graph, metrics, captured.rows);
      executed = new ExecutedPlan(query, trace.planHash(), PlanActuals.executed(root, trace),
          executionNanos / 1e6, true);
    } catch (IllegalStateException e) {
      // The job succeeded and its result is written: a plan whose metrics cannot be mapped is
      // not learned from, and the guard sees its time as a lower bound (an incomplete run).
      UNMEASURED.incrementAndGet();
      if (UNMEASURED_LOGGED.compareAndSet(false, true)) {
        LOG.warn("the metrics of job {} cannot be mapped to its plan ({}); such executions are"
            + " not learned from (FlinkInstallation.unmeasuredExecutions() counts them)", jobId,
            e.getMessage());
      }
      root = new FlinkPlanNode(optimized, LoraRuntime.scopeOf(optimized), -1, Double.NaN,
          Double.NaN, -1, Double.NaN, false, List.of(), List.of());
      executed = new ExecutedPlan(query, trace.planHash(),
          ExecutedNode.leaf(trace.root(), 0, Double.NaN), executionNanos / 1e6, false);
    }
    runtime.learn(executed);
    return new FlinkExecution(insertSql, jobId.toString(), planningNanos, executionNanos,
        query.choice(), root, executed);
  }
}
