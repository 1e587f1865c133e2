package dev.learnedcost.engine;

/**
 * The 17 operator scopes of the reference package, each with its own adapter in
 * {@link ScopedLoRA}. Ids 0..16 and names are exactly the reference's.
 */
public enum OperatorScope {
  /** Sequential (full) table scan. */
  SeqScan(OperatorCategory.Scan),
  /** B-tree or other index scan. */
  IndexScan(OperatorCategory.Scan),
  /** Approximate nearest-neighbour scan through an HNSW graph. */
  HnswScan(OperatorCategory.Scan),
  /** Approximate nearest-neighbour scan through IVF-Flat posting lists. */
  IvfFlatScan(OperatorCategory.Scan),
  /** Nested-loop join (including correlate and batch nested loop). */
  NestedLoopJoin(OperatorCategory.Join),
  /** Hash join. */
  HashJoin(OperatorCategory.Join),
  /** Sort-merge join. */
  MergeJoin(OperatorCategory.Join),
  /** Aggregation without group keys (one output row). */
  Aggregate(OperatorCategory.Aggregation),
  /** Aggregation with group keys. */
  GroupBy(OperatorCategory.Aggregation),
  /** Row filter. */
  Filter(OperatorCategory.Transform),
  /** Projection. */
  Project(OperatorCategory.Transform),
  /** Full sort or top-N sort. */
  Sort(OperatorCategory.Order),
  /** Fetch/offset without sorting. */
  Limit(OperatorCategory.Order),
  /** Vector distance evaluation. */
  VectorDistance(OperatorCategory.Vector),
  /** Exact re-ranking of approximate candidates. */
  Rerank(OperatorCategory.Vector),
  /** Materialization (spools, collect). */
  Materialize(OperatorCategory.Utility),
  /** Values, set operations and the plan root. */
  Result(OperatorCategory.Utility);

  private static final OperatorScope[] BY_ID = values();

  /** Number of scopes (17). */
  public static final int COUNT = BY_ID.length;

  private final OperatorCategory category;

  OperatorScope(OperatorCategory category) {
    this.category = category;
  }

  /** Returns the scope id, 0..16, as used by the reference's {@code op_type}. */
  public int id() {
    return ordinal();
  }

  /** Returns the category whose adapter this scope falls back on. */
  public OperatorCategory category() {
    return category;
  }

  /** Returns the reference name, for example {@code "HnswScan"}. */
  public String displayName() {
    return name();
  }

  /**
   * Returns the scope with the given id.
   *
   * @throws IllegalArgumentException if {@code id} is outside 0..16
   */
  public static OperatorScope fromId(int id) {
    Checks.opType(id);
    return BY_ID[id];
  }
}
