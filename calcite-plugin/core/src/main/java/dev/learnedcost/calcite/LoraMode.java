package dev.learnedcost.calcite;

/** What the learned model does to the planner's estimates. */
public enum LoraMode {
  /** Stock Calcite: our handlers answer with the stock estimate and compute nothing. */
  OFF,
  /**
   * Corrections are computed, counted and reported to the {@link LoraObserver}, but the planner
   * gets the stock estimate, so plans are the stock plans.
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
