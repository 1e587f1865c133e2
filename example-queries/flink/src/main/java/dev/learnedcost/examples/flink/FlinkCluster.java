package dev.learnedcost.examples.flink;

import dev.learnedcost.calcite.flink.FlinkSettings;
import dev.learnedcost.calcite.flink.LoraFlink;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/**
 * A Flink MiniCluster in this JVM (one task manager with one slot per unit of parallelism) and
 * the batch table environments that submit to it: long-lived, so that a query's time is its
 * job's and not a cluster's start, and in this JVM, so that the plugin's metrics reporter
 * ({@link LoraFlink#addMetricsReporter}) sees every operator. Environments submit through the
 * cluster's REST endpoint ({@code execution.target=remote}), as a client of a real cluster does.
 */
public final class FlinkCluster implements AutoCloseable {
  /** The demo's parallelism. */
  public static final int DEFAULT_PARALLELISM = 2;
  /** Managed memory of the task manager: hash tables and sorts of the batch operators. */
  public static final MemorySize MANAGED_MEMORY = MemorySize.parse("512m");

  private final MiniCluster cluster;
  private final URI rest;
  private final int parallelism;

  private FlinkCluster(MiniCluster cluster, URI rest, int parallelism) {
    this.cluster = cluster;
    this.rest = rest;
    this.parallelism = parallelism;
  }

  /**
   * Starts a cluster.
   *
   * @param parallelism slots of the task manager and the environments' default parallelism,
   *     at least 1
   * @throws IllegalArgumentException if {@code parallelism} is below 1
   * @throws Exception if the cluster does not start
   */
  public static FlinkCluster start(int parallelism) throws Exception {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    Configuration conf = LoraFlink.addMetricsReporter(new Configuration());
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(parallelism)
        .build());
    try {
      cluster.start();
      URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
      return new FlinkCluster(cluster, rest, parallelism);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Sets the log level of slf4j-simple (the demo's logger) unless the command line set one, and
   * silences the harmless "job not found" errors Flink logs after each {@code ANALYZE TABLE}
   * (its collect sink's coordinator is polled after the job ended). Call before the first
   * logger is created.
   */
  static void quietLogging(String defaultLevel) {
    String quiet = "org.slf4j.simpleLogger.log.org.apache.flink.runtime.rest.handler.job"
        + ".coordination.ClientCoordinationHandler";
    for (String[] p : new String[][] {
        {"org.slf4j.simpleLogger.defaultLogLevel", defaultLevel}, {quiet, "off"}}) {
      if (System.getProperty(p[0]) == null) {
        System.setProperty(p[0], p[1]);
      }
    }
  }

  /** Returns the environments' default parallelism. */
  public int parallelism() {
    return parallelism;
  }

  /**
   * Returns a new batch table environment on this cluster with the pinned settings
   * ({@link FlinkSettings#apply}).
   */
  public TableEnvironment newEnvironment() {
    Configuration conf = new Configuration();
    conf.set(DeploymentOptions.TARGET, "remote");
    conf.set(RestOptions.ADDRESS, rest.getHost());
    conf.set(RestOptions.PORT, rest.getPort());
    conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    TableEnvironment t = TableEnvironment.create(
        EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
    FlinkSettings.apply(t.getConfig());
    return t;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }

  @Override
  public String toString() {
    return "FlinkCluster{" + rest + ", parallelism " + parallelism + "}";
  }
}
