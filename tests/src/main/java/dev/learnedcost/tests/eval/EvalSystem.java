package dev.learnedcost.tests.eval;

/** The systems the evaluation compares, in the order of its tables. */
public enum EvalSystem {
  /** Calcite with its stock cost model: every JDBC table counts 100 rows. */
  STOCK("stock"),
  /** Stock Calcite told the true base-table row counts (a well-configured system). */
  TRUE_ROWS("true-rows"),
  /**
   * The plugin with a bias-only embedding: one learned correction per scope and readout, from
   * the same feedback, steps and guard (what the embedding's features add).
   */
  SCALAR("scalar"),
  /**
   * The plugin without identity features: the node features alone (sizes, selectivity, key
   * counts, join type...), no table, column, literal or join-key tokens; what the identity
   * features add over them.
   */
  NODE_FEATURES("node-features"),
  /** The plugin as shipped: learned corrections, regression guard, learning online. */
  PLUGIN("plugin"),
  /** H2 executing the SQL itself. */
  H2("h2");

  private final String label;

  EvalSystem(String label) {
    this.label = label;
  }

  /** Returns the name used in tables and JSON. */
  public String label() {
    return label;
  }

  /** Returns whether it learns from the feedback of its executions. */
  public boolean learns() {
    return this == SCALAR || this == NODE_FEATURES || this == PLUGIN;
  }
}
