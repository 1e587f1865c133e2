package dev.learnedcost.calcite.internal;

import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptUtil;

/**
 * An immutable cost whose comparison weighs rows, cpu and io:
 * {@code value = rows + CPU_WEIGHT * cpu + IO_WEIGHT * io}.
 *
 * <p>Calcite's {@code VolcanoCost} compares row counts only ({@code isLe} has an
 * {@code if (true)} shortcut), so a correction that touched only cpu or io would change nothing.
 * Units follow Calcite's cost formulas: rows are rows processed, cpu counts per-row expression
 * evaluations ({@code Filter} charges one per input row, {@code TableScan} rows + 1), io counts
 * blocks, which calcite-core's own nodes leave at 0 (adapters may set it).
 *
 * <h2>Weights</h2>
 * <ul>
 *   <li>{@link #ROWS_WEIGHT} = 1: the unit, as in {@code VolcanoCost}.</li>
 *   <li>{@link #CPU_WEIGHT} = 0.1: moving a row through an operator (copying it, calling the next
 *       enumerator) costs several times one simple expression evaluation; Drill's
 *       {@code DrillCostBase} likewise prices a cpu operation well below the per-row costs of a
 *       hash join's build and probe. The small weight keeps the stock plan order wherever rows
 *       differ markedly, and breaks near-ties by cpu work.</li>
 *   <li>{@link #IO_WEIGHT} = 1: a block read from a local store costs about as much as handling
 *       a row in memory when pages are cached, the case for embedded sources such as H2; an
 *       adapter that reads remote data should charge more io units rather than change the
 *       weight.</li>
 * </ul>
 *
 * <h2>Worked example</h2>
 * A filter over a 1,000-row scan with one predicate: scan {@code (1000, 1001, 0)} has value
 * {@code 1000 + 0.1 * 1001 = 1100.1}; filter {@code (150, 1000, 0)} has value
 * {@code 150 + 100 = 250}; together 1350.1. Measured in the plan-change test (three JDBC tables
 * of 100 estimated rows): a hash join of value 2060.5 multiplied by 50 (103,026) loses to the
 * merge join of the same inputs (1700 x its own correction) plus two sorts of about 1205 each,
 * and the planner switches algorithm. Under {@code VolcanoCost} the sorts would count only
 * their rows, which is why stock Calcite prefers merge joins on these queries.
 */
public final class LoraCost implements RelOptCost {
  /** Weight of rows in {@link #value()}. */
  public static final double ROWS_WEIGHT = 1.0;
  /** Weight of cpu in {@link #value()}. */
  public static final double CPU_WEIGHT = 0.1;
  /** Weight of io in {@link #value()}. */
  public static final double IO_WEIGHT = 1.0;

  static final LoraCost INFINITY = new LoraCost(
      Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
  static final LoraCost HUGE = new LoraCost(Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE);
  static final LoraCost ZERO = new LoraCost(0, 0, 0);
  static final LoraCost TINY = new LoraCost(1, 1, 0);

  private final double rows;
  private final double cpu;
  private final double io;
  private final double value;

  LoraCost(double rows, double cpu, double io) {
    this.rows = rows;
    this.cpu = cpu;
    this.io = io;
    this.value = valueOf(rows, cpu, io);
  }

  /** Returns the weighted value of any cost: {@code rows + 0.1 * cpu + io}, saturating. */
  public static double valueOf(RelOptCost cost) {
    return valueOf(cost.getRows(), cost.getCpu(), cost.getIo());
  }

  private static double valueOf(double rows, double cpu, double io) {
    if (Double.isInfinite(rows) || Double.isInfinite(cpu) || Double.isInfinite(io)) {
      return Double.POSITIVE_INFINITY;
    }
    double v = ROWS_WEIGHT * rows + CPU_WEIGHT * cpu + IO_WEIGHT * io;
    return Double.isInfinite(v) ? Double.MAX_VALUE : v;
  }

  /** Returns the weighted value that comparisons use. */
  public double value() {
    return value;
  }

  @Override
  public double getRows() {
    return rows;
  }

  @Override
  public double getCpu() {
    return cpu;
  }

  @Override
  public double getIo() {
    return io;
  }

  @Override
  public boolean isInfinite() {
    return this == INFINITY || Double.isInfinite(rows) || Double.isInfinite(cpu)
        || Double.isInfinite(io);
  }

  @Override
  public boolean equals(RelOptCost other) {
    return this == other
        || other instanceof LoraCost c && rows == c.rows && cpu == c.cpu && io == c.io;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RelOptCost c && equals(c);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(rows) * 31 * 31 + Double.hashCode(cpu) * 31 + Double.hashCode(io);
  }

  @Override
  public boolean isEqWithEpsilon(RelOptCost other) {
    LoraCost that = of(other);
    return this == that || Math.abs(value - that.value) < RelOptUtil.EPSILON;
  }

  @Override
  public boolean isLe(RelOptCost other) {
    LoraCost that = of(other);
    return this == that || value <= that.value;
  }

  @Override
  public boolean isLt(RelOptCost other) {
    LoraCost that = of(other);
    return value < that.value;
  }

  @Override
  public RelOptCost plus(RelOptCost other) {
    LoraCost that = of(other);
    if (this == INFINITY || that == INFINITY) {
      return INFINITY;
    }
    return new LoraCost(rows + that.rows, cpu + that.cpu, io + that.io);
  }

  @Override
  public RelOptCost minus(RelOptCost other) {
    LoraCost that = of(other);
    if (this == INFINITY) {
      return this;
    }
    return new LoraCost(rows - that.rows, cpu - that.cpu, io - that.io);
  }

  @Override
  public RelOptCost multiplyBy(double factor) {
    if (this == INFINITY) {
      return this;
    }
    return new LoraCost(rows * factor, cpu * factor, io * factor);
  }

  @Override
  public double divideBy(RelOptCost other) {
    LoraCost that = of(other);
    if (value == 0 || that.value == 0 || Double.isInfinite(value)
        || Double.isInfinite(that.value)) {
      return 1.0;
    }
    return value / that.value;
  }

  private static LoraCost of(RelOptCost other) {
    if (other instanceof LoraCost c) {
      return c;
    }
    throw new IllegalArgumentException("cost must be a LoraCost, got "
        + (other == null ? "null" : other.getClass().getName() + " " + other)
        + "; make LoraCostFactory the planner's cost factory (LoraRuntime.configure does)");
  }

  @Override
  public String toString() {
    if (this == INFINITY) {
      return "{inf}";
    }
    if (this == HUGE) {
      return "{huge}";
    }
    return "{" + rows + " rows, " + cpu + " cpu, " + io + " io = " + value + "}";
  }
}
