package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import java.util.Locale;
import org.apache.calcite.rel.core.JoinRelType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the planner believed about one plan node: its scope, the engine's estimates, the learned
 * corrections and the embeddings they were computed from. Made by {@link LoraRuntime#trace};
 * immutable. The learner trains on these beliefs against what the node then did
 * ({@link ExecutedNode}); EXPLAIN prints them.
 *
 * <p>Rows: {@link #baseRows()} is the engine's own estimate of the node over its inputs as the
 * planner saw them (learned, in mode ON), the value the row correction multiplies; the learned
 * estimate is {@code baseRows x rowFactor}. {@link #stockRows()} is the engine's estimate with
 * stock inputs all the way down, the estimate the plugin is measured against. Nodes whose rows
 * follow from their inputs (projects, sorts, exchanges) are not corrected: their row embedding
 * is null and their factor 1.
 *
 * <p>{@link #baseRowsAtInputs(double[])} evaluates the base again at other input row counts
 * (the inputs' actual ones): the learner's row target for a filter or a join is taken against
 * it, so the node learns its own selectivity or fan-out and not its inputs' current errors.
 */
public final class NodeTrace {
  /** How a node's base row estimate follows its inputs' row counts. */
  enum Formula {
    /** Not known: the target is taken against the base itself. */
    NONE,
    /** Proportional to the first input (filters, calcs with a condition, semi and anti joins). */
    SCALES_WITH_FIRST_INPUT,
    /** Calcite's join formula over both inputs with the condition's selectivity. */
    JOIN
  }

  private final String label;
  private final @Nullable OperatorScope scope;
  private final double stockRows;
  private final double baseRows;
  private final double rowFactor;
  private final float @Nullable [] rowEmbedding;
  private final double baseCost;
  private final double costFactor;
  private final float @Nullable [] costEmbedding;
  private final double[] inputRows;
  private final Formula formula;
  private final @Nullable JoinRelType joinType;
  private final double selectivity;

  NodeTrace(String label, @Nullable OperatorScope scope, double stockRows, double baseRows,
      double rowFactor, float @Nullable [] rowEmbedding, double baseCost, double costFactor,
      float @Nullable [] costEmbedding, double[] inputRows, Formula formula,
      @Nullable JoinRelType joinType, double selectivity) {
    this.label = label;
    this.scope = scope;
    this.stockRows = stockRows;
    this.baseRows = baseRows;
    this.rowFactor = rowFactor;
    this.rowEmbedding = rowEmbedding;
    this.baseCost = baseCost;
    this.costFactor = costFactor;
    this.costEmbedding = costEmbedding;
    this.inputRows = inputRows;
    this.formula = formula;
    this.joinType = joinType;
    this.selectivity = selectivity;
  }

  /** Returns the node's type name and id, as in Calcite's plans ({@code EnumerableHashJoin#412}). */
  public String label() {
    return label;
  }

  /** Returns the node's scope, or null when no adapter corrects it. */
  public @Nullable OperatorScope scope() {
    return scope;
  }

  /** Returns the engine's estimate with stock inputs; NaN when it has none. */
  public double stockRows() {
    return stockRows;
  }

  /**
   * Returns the engine's estimate over the planner's inputs, the value the row correction
   * multiplies; the engine's answer when the node's rows are not corrected. NaN when none.
   */
  public double baseRows() {
    return baseRows;
  }

  /** Returns the clamped row correction factor (1 when the node's rows are not corrected). */
  public double rowFactor() {
    return rowFactor;
  }

  /** Returns the learned row estimate, {@code baseRows x rowFactor}. */
  public double learnedRows() {
    return baseRows * rowFactor;
  }

  /** Returns whether the node's row count is corrected (and so learned). */
  public boolean correctsRows() {
    return rowEmbedding != null;
  }

  /** Returns a copy of the embedding the row correction was computed from, or null. */
  public float @Nullable [] rowEmbedding() {
    return rowEmbedding == null ? null : rowEmbedding.clone();
  }

  /** Returns the engine's self cost as a weighted value (rows + 0.1 cpu + io); NaN if none. */
  public double baseCost() {
    return baseCost;
  }

  /** Returns the clamped cost correction factor (1 when none applies). */
  public double costFactor() {
    return costFactor;
  }

  /** Returns a copy of the embedding the cost correction was computed from, or null. */
  public float @Nullable [] costEmbedding() {
    return costEmbedding == null ? null : costEmbedding.clone();
  }

  /** Returns the planner's row estimates of the node's inputs (a copy). */
  public double[] inputRows() {
    return inputRows.clone();
  }

  /**
   * Returns the base estimate re-evaluated at other input row counts (the inputs' actual rows),
   * or NaN where that is not defined for this node (then the learner takes its target against
   * {@link #baseRows()}).
   *
   * <ul>
   *   <li>Filters, calcs with a condition, semi and anti joins: the base is the first input's
   *       rows times a selectivity, so it scales with it: {@code base x actual / estimated}.</li>
   *   <li>Inner and outer joins: Calcite's join formula ({@code L R s}, plus {@code L (1 - s)}
   *       for a left join, and so on) with the condition's selectivity {@code s} at the given
   *       {@code L} and {@code R}; only where the formula reproduced the base at the estimated
   *       inputs when traced (so an engine with another formula falls back safely).</li>
   * </ul>
   *
   * @param actualInputRows one count per input, each at least 1
   * @throws IllegalArgumentException if the length differs from the node's inputs
   */
  public double baseRowsAtInputs(double[] actualInputRows) {
    if (actualInputRows.length != inputRows.length) {
      throw new IllegalArgumentException("actualInputRows length must equal the node's inputs ("
          + inputRows.length + "), got " + actualInputRows.length);
    }
    switch (formula) {
      case SCALES_WITH_FIRST_INPUT:
        return baseRows * actualInputRows[0] / inputRows[0];
      case JOIN:
        return joinRows(joinType, actualInputRows[0], actualInputRows[1], selectivity);
      default:
        return Double.NaN;
    }
  }

  /** Calcite's estimate of a join's rows from its inputs' rows and its selectivity. */
  static double joinRows(@Nullable JoinRelType type, double left, double right, double s) {
    if (type == null) {
      return Double.NaN;
    }
    double inner = left * right * s;
    switch (type) {
      case INNER:
        return inner;
      case LEFT:
        return left * (1 - s) + inner;
      case RIGHT:
        return right * (1 - s) + inner;
      case FULL:
        return (left + right) * (1 - s) + inner;
      default:
        return Double.NaN;
    }
  }

  /** One line: label, scope, rows and cost, as {@link PlanTrace#toString()} prints them. */
  @Override
  public String toString() {
    return label + "  [" + (scope == null ? "-" : scope.displayName()) + "]  rows "
        + num(baseRows) + " x" + num(rowFactor) + " = " + num(learnedRows()) + "; cost "
        + num(baseCost) + " x" + num(costFactor) + " = " + num(baseCost * costFactor);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "?";
    }
    if (Double.isInfinite(v)) {
      return "inf";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
