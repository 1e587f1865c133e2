package dev.learnedcost.calcite.flink;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
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

/**
 * The plugin installed on one batch {@link TableEnvironment} (by {@link LoraFlink#install}):
 * the metadata provider every optimization uses, and {@link #run}, which plans, executes and
 * measures a statement.
 *
 * <p>Two steps are added to Flink's batch optimization program: {@value #INSTALL_STEP} first
 * (sets the cluster's metadata provider to ours in front of Flink's and drops the cluster's
 * cached metadata query, so that the next {@code FlinkRelMetadataQuery} reads our provider
 * from {@code RelMetadataQueryBase.THREAD_PROVIDERS}, where {@code setMetadataProvider} puts
 * it) and {@value #CAPTURE_STEP} last (hands the optimized physical plan to {@link #run}).
 * Flink's query supplier is kept: Flink's {@code reuseOrCreate} drops a plain
 * {@code RelMetadataQuery}.
 *
 * <p>Like the {@code TableEnvironment} it belongs to, not thread-safe.
 */
public final class FlinkInstallation {
  /** The name of the first program step. */
  public static final String INSTALL_STEP = "lora_install_metadata";
  /** The name of the last program step. */
  public static final String CAPTURE_STEP = "lora_capture_physical_plan";

  private final TableEnvironment tEnv;
  private final JaninoRelMetadataProvider provider;
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
  }

  private FlinkInstallation(TableEnvironment tEnv, RelMetadataProvider ours) {
    this.tEnv = tEnv;
    this.provider = JaninoRelMetadataProvider.of(ChainedRelMetadataProvider.of(
        List.of(ours, FlinkDefaultRelMetadataProvider.INSTANCE())));
  }

  static FlinkInstallation install(TableEnvironment tEnv, RelMetadataProvider ours) {
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
    FlinkInstallation installation = new FlinkInstallation(tEnv, ours);
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

  /**
   * Plans {@code insertSql} (one {@code INSERT} statement) with the installed metadata, runs the
   * job and waits for it, and returns every plan node the planner estimated with the rows it
   * produced, from Flink's operator metrics. The job is compiled
   * ({@code TableEnvironment.compilePlanSql}) and then executed, because the compiled plan's
   * node ids are the ids in the running operators' names ({@code HashJoin[6]}); the module
   * README says what is exact and what is approximated.
   *
   * <p>Needs the metrics reporter in the cluster's configuration
   * ({@link LoraFlink#addMetricsReporter}) and the settings
   * {@link FlinkSettings#REQUIRED_FOR_ACTUALS}.
   *
   * @throws IllegalStateException if a required setting is missing, the statement plans to no
   *     or several sinks, no operator metrics arrived for the job, or the executed graph does
   *     not match the optimized plan
   * @throws ExecutionException if the job fails
   * @throws InterruptedException if interrupted while waiting for the job
   */
  public FlinkExecution run(String insertSql) throws ExecutionException, InterruptedException {
    Objects.requireNonNull(insertSql, "insertSql");
    FlinkSettings.requireForActuals(tEnv.getConfig());
    Capture captured = new Capture();
    List<RelNode> roots = captured.roots;
    CompiledPlan plan;
    long planStart = System.nanoTime();
    capture.set(captured);
    try {
      plan = tEnv.compilePlanSql(insertSql);
    } finally {
      capture.remove();
    }
    long planningNanos = System.nanoTime() - planStart;
    if (roots.size() != 1) {
      throw new IllegalStateException("insertSql must plan to exactly one sink, got "
          + roots.size() + " optimized roots for: " + insertSql);
    }
    ExecGraph graph = ExecGraph.parse(plan.asJsonString());
    long start = System.nanoTime();
    TableResult result = plan.execute();
    JobClient client = result.getJobClient().orElseThrow(() ->
        new IllegalStateException("the statement started no job: " + insertSql));
    JobID jobId = client.getJobID();
    result.await();
    long executionNanos = System.nanoTime() - start;
    OperatorMetricsStore.JobMetrics metrics = OperatorMetricsStore.INSTANCE.take(jobId.toString());
    if (metrics == null) {
      throw new IllegalStateException("no operator metrics arrived for job " + jobId
          + ": register the reporter in the cluster configuration with "
          + "LoraFlink.addMetricsReporter(config) (metrics.reporter." + LoraFlink.REPORTER_NAME
          + ".factory.class=" + OperatorMetricsReporterFactory.class.getName()
          + "); only a cluster in this JVM reports to it");
    }
    FlinkPlanNode root = PlanActuals.map(roots.get(0), graph, metrics, captured.rows);
    return new FlinkExecution(insertSql, jobId.toString(), planningNanos, executionNanos, root);
  }
}
