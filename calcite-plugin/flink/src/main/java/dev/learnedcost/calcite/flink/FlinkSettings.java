package dev.learnedcost.calcite.flink;

import java.util.Map;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.api.TableConfig;

/**
 * The Flink settings under which estimates, plans and measured rows can be compared, and why
 * each is pinned. {@link #apply} sets them all; {@link FlinkInstallation#run} checks the two it
 * cannot work without.
 */
public final class FlinkSettings {
  /** Else a file source reports its own row count, and "no statistics" is not what Flink sees. */
  public static final String REPORT_STATISTICS = "table.optimizer.source.report-statistics-enabled";
  /** Else the runtime may turn a planned shuffle join into a broadcast join by itself. */
  public static final String ADAPTIVE_BROADCAST_JOIN =
      "table.optimizer.adaptive-broadcast-join.strategy";
  /**
   * Else Flink 2.3 plans an adaptive join node ({@code BatchExecAdaptiveJoin}) that may split a
   * join at run time, and that a compiled plan cannot serialize ("Missing type").
   */
  public static final String ADAPTIVE_SKEWED_JOIN = "table.optimizer.skewed-join-optimization.strategy";
  /** Else the adaptive batch scheduler picks each vertex's parallelism (often 1) at run time. */
  public static final String AUTO_PARALLELISM = "execution.batch.adaptive.auto-parallelism.enabled";
  /**
   * Else operators joined into a multiple-input operator report 0 rows each (only the
   * operator's total is real), and per-node rows cannot be measured.
   */
  public static final String MULTIPLE_INPUT = "table.optimizer.multiple-input-enabled";

  /** Every pinned setting and its value. */
  public static final Map<String, String> PINNED = Map.of(
      REPORT_STATISTICS, "false",
      ADAPTIVE_BROADCAST_JOIN, "none",
      ADAPTIVE_SKEWED_JOIN, "none",
      AUTO_PARALLELISM, "false",
      MULTIPLE_INPUT, "false");

  /** The settings {@link FlinkInstallation#run} requires to map measured rows to plan nodes. */
  static final Map<String, String> REQUIRED_FOR_ACTUALS = Map.of(
      ADAPTIVE_SKEWED_JOIN, "none",
      MULTIPLE_INPUT, "false");

  private FlinkSettings() {}

  /** Sets every {@link #PINNED} setting on {@code config}. */
  public static void apply(TableConfig config) {
    Objects.requireNonNull(config, "config");
    PINNED.forEach(config::set);
  }

  /** Fails with a message naming the first required setting that {@code config} lacks. */
  static void requireForActuals(TableConfig config) {
    REQUIRED_FOR_ACTUALS.forEach((key, value) -> {
      String got = config.getOptional(ConfigOptions.key(key).stringType().noDefaultValue())
          .orElse(null);
      if (got == null || !got.equalsIgnoreCase(value)) {
        throw new IllegalStateException("measuring rows per plan node needs " + key + "="
            + value + ", got " + (got == null ? "the default" : got)
            + "; call FlinkSettings.apply(tEnv.getConfig()) before planning");
      }
    });
  }
}
