package dev.learnedcost.examples.run;

import java.util.Locale;

/** Who executes a query in the demo. */
public enum Engine {
  /** H2 runs the SQL itself. */
  H2,
  /** Calcite with its stock cost model; H2 runs scans, filters and projections. */
  STOCK,
  /** Calcite with the learned cost model (mode ON), learning after every query. */
  LEARNED;

  /** Returns the lower-case name used on the command line, in tables and in JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
