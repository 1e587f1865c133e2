package dev.learnedcost.calcite.flink;

import java.util.Objects;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Installs corrected row counts and costs into a Flink batch {@link TableEnvironment}, with one
 * call and no Flink patch.
 *
 * <pre>{@code
 * TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
 * FlinkSettings.apply(tEnv.getConfig());               // optional: the pinned settings
 * FlinkInstallation lora = LoraFlink.install(tEnv, correction);
 * FlinkExecution run = lora.run("INSERT INTO sink SELECT ...");   // plan, execute, measure
 * }</pre>
 */
public final class LoraFlink {
  /** The name under which {@link #addMetricsReporter} registers the reporter. */
  public static final String REPORTER_NAME = "lora";

  private LoraFlink() {}

  /**
   * Puts the handlers of {@code correction} ({@link FlinkMetadata#handlers}) in front of Flink's
   * own metadata provider in every optimization of {@code tEnv}.
   *
   * @throws IllegalArgumentException if {@code tEnv} is not in batch mode
   * @throws IllegalStateException if the plugin is already installed on {@code tEnv}
   */
  public static FlinkInstallation install(TableEnvironment tEnv, FlinkCorrection correction) {
    return install(tEnv, FlinkMetadata.handlers(correction));
  }

  /**
   * Puts {@code provider} in front of Flink's own metadata provider in every optimization of
   * {@code tEnv}: a first step of Flink's batch optimization program sets the cluster's
   * provider to {@code provider} chained before {@code FlinkDefaultRelMetadataProvider}; the
   * cost factory stays Flink's. The program is built from {@code tEnv}'s configuration now:
   * settings that shape it (join reordering, ...) must be set before this call.
   *
   * @throws IllegalArgumentException if {@code tEnv} is not in batch mode
   * @throws IllegalStateException if the plugin is already installed on {@code tEnv}
   */
  public static FlinkInstallation install(TableEnvironment tEnv, RelMetadataProvider provider) {
    Objects.requireNonNull(tEnv, "tEnv");
    Objects.requireNonNull(provider, "provider");
    RuntimeExecutionMode mode = tEnv.getConfig().get(ExecutionOptions.RUNTIME_MODE);
    if (mode != RuntimeExecutionMode.BATCH) {
      throw new IllegalArgumentException("tEnv must be in batch mode "
          + "(TableEnvironment.create(EnvironmentSettings.inBatchMode())), got " + mode);
    }
    return FlinkInstallation.install(tEnv, provider);
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
