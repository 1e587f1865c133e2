package dev.learnedcost.examples.run;

import java.util.Locale;

/**
 * Who executes a query in a demo: H2 and Calcite (stock and learned) in
 * {@link dev.learnedcost.examples.Demo}; Flink (stock, with {@code ANALYZE TABLE} statistics,
 * learned) in the {@code example-queries/flink} module's demo. Each engine plays a
 * {@link Role} in the reports: the summary compares the learned engine with the stock one (and
 * with the baseline, when one runs).
 */
public enum Engine {
  /** H2 runs the SQL itself. */
  H2(Role.REFERENCE),
  /** Calcite with its stock cost model; H2 runs scans, filters and projections. */
  STOCK(Role.STOCK),
  /** Calcite with the learned cost model (mode ON), learning after every query. */
  LEARNED(Role.LEARNED),
  /** Apache Flink's batch SQL as a user gets it: no table statistics. */
  FLINK(Role.STOCK),
  /** Flink with table and column statistics from {@code ANALYZE TABLE}. */
  FLINK_ANALYZE(Role.BASELINE),
  /** Flink with the learned cost model installed, learning after every query. */
  FLINK_LEARNED(Role.LEARNED);

  /** What an engine's results and times stand for in the reports. */
  public enum Role {
    /** An engine that executes the SQL itself, outside the comparison (H2). */
    REFERENCE,
    /** The engine as it plans without the plugin: what {@code speedupVsStock} divides. */
    STOCK,
    /** A well-configured engine without the plugin (Flink with statistics). */
    BASELINE,
    /** The engine with the learned cost model. */
    LEARNED
  }

  private final Role role;

  Engine(Role role) {
    this.role = role;
  }

  /** Returns the engine's role in the reports. */
  public Role role() {
    return role;
  }

  /**
   * Returns the lower-case name used on the command line, in tables and in JSON:
   * {@code h2}, {@code stock}, {@code learned}, {@code flink}, {@code flink-analyze},
   * {@code flink-learned}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
