package dev.learnedcost.calcite;

/**
 * What the learned model does to the estimates of one connection or install (not of the whole
 * runtime: two connections of one runtime may plan in different modes at the same time).
 */
public enum LoraMode {
  /** Stock metadata: the learned handlers are not installed (the plugin's cost factory stays). */
  OFF,
  /**
   * Corrections are computed and counted (and show in traces), but the planner gets the stock
   * estimate, so plans are the stock plans.
   */
  SHADOW,
  /** Corrections are applied: learned rows and cost reach the planner. */
  ON;

  /**
   * Parses a mode name, case-insensitively ({@code off}, {@code shadow}, {@code on}).
   *
   * @throws IllegalArgumentException naming the accepted values if {@code name} is none of them
   */
  public static LoraMode parse(String name) {
    for (LoraMode m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "mode must be one of off, shadow, on, got '" + name + "'");
  }
}
