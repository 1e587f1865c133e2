package dev.learnedcost.tests.correctness;

import java.util.Locale;

/** The four ways the correctness suite runs every query; H2 is the reference. */
enum Mode {
  /** H2 runs the SQL itself: the reference result. */
  H2,
  /** Calcite with its stock cost model (H2 runs scans, filters and projections). */
  STOCK,
  /** Calcite with the plugin in {@code SHADOW} mode: corrections computed, not applied. */
  SHADOW,
  /** Calcite with the plugin in {@code ON} mode and a model trained by the feedback loop. */
  TRAINED;

  /** Returns the lower-case name used in test names and messages. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
