package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import java.util.Objects;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Installs a {@link LoraRuntime} into a Flink batch {@link TableEnvironment}, with one call and
 * no Flink patch: Flink plans with the runtime's learned row counts and costs (over Flink's own
 * estimates), and {@link FlinkInstallation#run} executes statements through the runtime's
 * regression guard and teaches the runtime from Flink's own job metrics.
 *
 * <pre>{@code
 * Configuration cluster = LoraFlink.addMetricsReporter(new Configuration());
 * // ... start a MiniCluster or local cluster with that configuration ...
 * try (LoraRuntime runtime = LoraRuntime.open(LoraFlink.configBuilder()
 *     .stateFile(Path.of("/shared/lora/flink.lcfs")).build())) {
 *   TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
 *   FlinkSettings.apply(tEnv.getConfig());            // the pinned settings
 *   FlinkInstallation lora = LoraFlink.install(tEnv, runtime);
 *   FlinkExecution run = lora.run("INSERT INTO sink SELECT ...");   // plan, execute, learn
 * }
 * }</pre>
 */
public final class LoraFlink {
  /** The name under which {@link #addMetricsReporter} registers the reporter. */
  public static final String REPORTER_NAME = "lora";

  /**
   * The smallest row correction a Flink runtime needs, as a power of two: Flink estimates a
   * table without statistics at 1e8 rows, so a 5-row table needs {@code 5 / 1e8 = 2^-24.3},
   * beyond the core's default bound of {@code 2^-20}.
   */
  public static final double ROW_LOG2_MIN = -30;

  private LoraFlink() {}

  /**
   * Returns a runtime configuration builder for Flink: the core's defaults with the row
   * correction allowed down to {@code 2^}{@value #ROW_LOG2_MIN} (see {@link #ROW_LOG2_MIN}).
   */
  public static LoraRuntimeConfig.Builder configBuilder() {
    return LoraRuntimeConfig.builder().rowClampLog2(ROW_LOG2_MIN, 20);
  }

  /** {@link #install(TableEnvironment, LoraRuntime, LoraMode)} in the runtime's default mode. */
  public static FlinkInstallation install(TableEnvironment tEnv, LoraRuntime runtime) {
    Objects.requireNonNull(runtime, "runtime");
    return install(tEnv, runtime, runtime.config().mode());
  }

  /**
   * Puts the runtime's corrections in {@code mode} ({@code runtime.engineCorrections(mode)}) in
   * front of Flink's own metadata provider in every optimization of {@code tEnv}: the first step
   * of Flink's batch optimization program sets the cluster's provider to our row-count and cost
   * handlers chained before {@code FlinkDefaultRelMetadataProvider}; Flink's estimate is the
   * base each correction multiplies; the cost factory stays Flink's. The program is built from
   * {@code tEnv}'s configuration now: settings that shape it (join reordering, ...) must be set
   * before this call. The corrections follow the runtime's regression guard: while a query that
   * the guard plans stock is planned on a thread ({@link FlinkInstallation#run} does this), the
   * planner sees Flink's estimates unchanged.
   *
   * @throws IllegalArgumentException if {@code tEnv} is not in batch mode
   * @throws IllegalStateException if the plugin is already installed on {@code tEnv}, or the
   *     runtime is closed
   */
  public static FlinkInstallation install(TableEnvironment tEnv, LoraRuntime runtime,
      LoraMode mode) {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(mode, "mode");
    if (runtime.isClosed()) {
      throw new IllegalStateException("the LoraRuntime " + runtime + " is closed; open a new one"
          + " to install it");
    }
    return install(tEnv, runtime, mode, FlinkCorrection.of(runtime.engineCorrections(mode)));
  }

  /**
   * Installs {@code correction}'s factors instead of the runtime's (this module's tests); the
   * runtime still guards, traces and learns in {@link FlinkInstallation#run}.
   */
  static FlinkInstallation install(TableEnvironment tEnv, LoraRuntime runtime, LoraMode mode,
      FlinkCorrection correction) {
    Objects.requireNonNull(tEnv, "tEnv");
    Objects.requireNonNull(correction, "correction");
    RuntimeExecutionMode executionMode = tEnv.getConfig().get(ExecutionOptions.RUNTIME_MODE);
    if (executionMode != RuntimeExecutionMode.BATCH) {
      throw new IllegalArgumentException("tEnv must be in batch mode "
          + "(TableEnvironment.create(EnvironmentSettings.inBatchMode())), got " + executionMode);
    }
    return FlinkInstallation.install(tEnv, runtime, mode, correction);
  }

  /**
   * Registers the reporter that keeps operator row counts and task busy times
   * ({@link OperatorMetricsReporterFactory}) in a cluster configuration, for
   * {@link FlinkInstallation#run} to read. Only clusters in this JVM (a MiniCluster, local
   * execution) report to it.
   *
   * @return {@code clusterConfig}, for chaining
   */
  public static Configuration addMetricsReporter(Configuration clusterConfig) {
    Objects.requireNonNull(clusterConfig, "clusterConfig");
    clusterConfig.set(ConfigOptions.key("metrics.reporter." + REPORTER_NAME + ".factory.class")
        .stringType().noDefaultValue(), OperatorMetricsReporterFactory.class.getName());
    return clusterConfig;
  }
}
