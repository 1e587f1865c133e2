package dev.learnedcost.engine;

/**
 * The seven operator categories whose adapters {@link ScopedLoRA} uses as a fallback while an
 * operator scope has little history of its own. Ids match the reference package.
 */
public enum OperatorCategory {
  /** Table and index scans. */
  Scan,
  /** Joins of every algorithm. */
  Join,
  /** Aggregation with or without group keys. */
  Aggregation,
  /** Row-wise filters and projections. */
  Transform,
  /** Sorts and limits. */
  Order,
  /** Vector distance and re-ranking. */
  Vector,
  /** Materialization and results. */
  Utility;

  private static final OperatorCategory[] BY_ID = values();

  /** Number of categories (7). */
  public static final int COUNT = BY_ID.length;

  /** Returns the category id, 0..6. */
  public int id() {
    return ordinal();
  }

  /** Returns the reference name, for example {@code "Aggregation"}. */
  public String displayName() {
    return name();
  }

  /**
   * Returns the category with the given id.
   *
   * @throws IllegalArgumentException if {@code id} is outside 0..6
   */
  public static OperatorCategory fromId(int id) {
    if (id < 0 || id >= COUNT) {
      throw new IllegalArgumentException("category id must be in 0.." + (COUNT - 1) + ", got " + id);
    }
    return BY_ID[id];
  }
}
