package dev.learnedcost.calcite;

import dev.learnedcost.engine.OperatorScope;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable settings of a {@link LoraCostModel}: mode, the scopes allowed to correct, clamps and
 * the adapter's shape. Built with {@link #builder()}; validated when built, so an invalid
 * configuration never exists.
 *
 * <h2>Defaults and why</h2>
 * <ul>
 *   <li>{@code dim = 64}: {@link CostEmbedding#NUMERIC_DIMS} numeric dimensions plus 48 hashed
 *       identity buckets; with a handful of tables and key columns per query, 48 buckets keep
 *       collisions rare, and a forward costs about 3 x 64 multiply-adds.</li>
 *   <li>{@code alpha = 1}, {@code learningRate = 1}: with the embedding scaled to a norm of about
 *       3 to 6 (see {@link CostEmbedding}) ten supervised steps reach a target log-correction
 *       within 1% (measured on the engine); the engine caps each step so it cannot overshoot
 *       and clips it to {@code maxStepNorm}, so a large rate is safe.</li>
 *   <li>Row clamp {@code 2^-20 .. 2^20}: JDBC tables without statistics count 100 rows, so a
 *       correction must be able to reach 10^8 rows (100 x 2^20) and, the other way, 1e-4.</li>
 *   <li>Cost clamp {@code 2^-6 .. 2^6} (x1/64 .. x64): the cost formula of one operator is
 *       rarely off by more than that once its rows are right; a narrow bound keeps one bad
 *       adapter from dominating a plan.</li>
 *   <li>{@code categoryFallback = false}: see {@link Builder#categoryFallback(boolean)}.</li>
 * </ul>
 */
public final class LoraConfig {
  /** Default embedding dimension. */
  public static final int DEFAULT_DIM = 64;
  /** Default adapter scaling factor. */
  public static final float DEFAULT_ALPHA = 1f;
  /** Default learning rate of a supervised step. */
  public static final float DEFAULT_LEARNING_RATE = 1f;
  /** Default lower bound of the row correction, as a power of two. */
  public static final double DEFAULT_ROW_LOG2_MIN = -20;
  /** Default upper bound of the row correction, as a power of two. */
  public static final double DEFAULT_ROW_LOG2_MAX = 20;
  /** Default lower bound of the cost correction, as a power of two (x1/64). */
  public static final double DEFAULT_COST_LOG2_MIN = -6;
  /** Default upper bound of the cost correction, as a power of two (x64). */
  public static final double DEFAULT_COST_LOG2_MAX = 6;

  private final LoraMode mode;
  private final Set<OperatorScope> enabledScopes;
  private final boolean[] enabledById;
  private final double rowLog2Min;
  private final double rowLog2Max;
  private final double costLog2Min;
  private final double costLog2Max;
  private final int dim;
  private final float alpha;
  private final float learningRate;
  private final boolean categoryFallback;
  private final boolean biasOnly;

  private LoraConfig(Builder b) {
    this.mode = Objects.requireNonNull(b.mode, "mode");
    this.enabledScopes = Collections.unmodifiableSet(EnumSet.copyOf(b.enabledScopes));
    this.enabledById = new boolean[OperatorScope.COUNT];
    for (OperatorScope s : enabledScopes) {
      enabledById[s.id()] = true;
    }
    this.rowLog2Min = b.rowLog2Min;
    this.rowLog2Max = b.rowLog2Max;
    this.costLog2Min = b.costLog2Min;
    this.costLog2Max = b.costLog2Max;
    this.dim = b.dim;
    this.alpha = b.alpha;
    this.learningRate = b.learningRate;
    this.categoryFallback = b.categoryFallback;
    this.biasOnly = b.biasOnly;
  }

  /** Returns a builder with the defaults: mode ON, every scope enabled. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default configuration. */
  public static LoraConfig defaults() {
    return builder().build();
  }

  /** Returns a builder initialised from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.enabledScopes = EnumSet.noneOf(OperatorScope.class);
    b.enabledScopes.addAll(enabledScopes);
    b.rowLog2Min = rowLog2Min;
    b.rowLog2Max = rowLog2Max;
    b.costLog2Min = costLog2Min;
    b.costLog2Max = costLog2Max;
    b.dim = dim;
    b.alpha = alpha;
    b.learningRate = learningRate;
    b.categoryFallback = categoryFallback;
    b.biasOnly = biasOnly;
    return b;
  }

  /** Returns a copy of this configuration with another mode. */
  public LoraConfig withMode(LoraMode newMode) {
    return toBuilder().mode(newMode).build();
  }

  /** Returns the mode. */
  public LoraMode mode() {
    return mode;
  }

  /** Returns the scopes whose corrections are computed (unmodifiable). */
  public Set<OperatorScope> enabledScopes() {
    return enabledScopes;
  }

  /** Returns whether corrections are computed for a scope. */
  public boolean isEnabled(OperatorScope scope) {
    return enabledById[scope.id()];
  }

  /** Returns the lower bound of the row correction as a power of two. */
  public double rowLog2Min() {
    return rowLog2Min;
  }

  /** Returns the upper bound of the row correction as a power of two. */
  public double rowLog2Max() {
    return rowLog2Max;
  }

  /** Returns the lower bound of the cost correction as a power of two. */
  public double costLog2Min() {
    return costLog2Min;
  }

  /** Returns the upper bound of the cost correction as a power of two. */
  public double costLog2Max() {
    return costLog2Max;
  }

  /** Returns the embedding dimension. */
  public int dim() {
    return dim;
  }

  /** Returns the adapter scaling factor. */
  public float alpha() {
    return alpha;
  }

  /** Returns the learning rate of a supervised step. */
  public float learningRate() {
    return learningRate;
  }

  /** Returns whether operator adapters blend with their category while young. */
  public boolean categoryFallback() {
    return categoryFallback;
  }

  /**
   * Returns whether every node embeds as the bias feature alone (an ablation, see
   * {@link Builder#biasOnly(boolean)}).
   */
  public boolean biasOnly() {
    return biasOnly;
  }

  @Override
  public String toString() {
    return "LoraConfig{mode=" + mode + ", enabledScopes=" + enabledScopes
        + ", rowLog2=[" + rowLog2Min + ", " + rowLog2Max + "], costLog2=[" + costLog2Min + ", "
        + costLog2Max + "], dim=" + dim + ", alpha=" + alpha + ", learningRate=" + learningRate
        + ", categoryFallback=" + categoryFallback + (biasOnly ? ", biasOnly" : "") + "}";
  }

  /** Mutable builder of {@link LoraConfig}; {@link #build()} validates. */
  public static final class Builder {
    private LoraMode mode = LoraMode.ON;
    private EnumSet<OperatorScope> enabledScopes = EnumSet.allOf(OperatorScope.class);
    private double rowLog2Min = DEFAULT_ROW_LOG2_MIN;
    private double rowLog2Max = DEFAULT_ROW_LOG2_MAX;
    private double costLog2Min = DEFAULT_COST_LOG2_MIN;
    private double costLog2Max = DEFAULT_COST_LOG2_MAX;
    private int dim = DEFAULT_DIM;
    private float alpha = DEFAULT_ALPHA;
    private float learningRate = DEFAULT_LEARNING_RATE;
    private boolean categoryFallback = false;
    private boolean biasOnly = false;

    private Builder() {}

    /** Sets the mode (default ON). */
    public Builder mode(LoraMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Sets the scopes whose corrections are computed (default all). */
    public Builder enabledScopes(Set<OperatorScope> scopes) {
      Objects.requireNonNull(scopes, "scopes");
      this.enabledScopes = EnumSet.noneOf(OperatorScope.class);
      this.enabledScopes.addAll(scopes);
      return this;
    }

    /** Enables or disables one scope. */
    public Builder scopeEnabled(OperatorScope scope, boolean enabled) {
      Objects.requireNonNull(scope, "scope");
      if (enabled) {
        enabledScopes.add(scope);
      } else {
        enabledScopes.remove(scope);
      }
      return this;
    }

    /** Sets the row correction bounds as powers of two (default -20, 20). */
    public Builder rowClampLog2(double min, double max) {
      this.rowLog2Min = min;
      this.rowLog2Max = max;
      return this;
    }

    /** Sets the cost correction bounds as powers of two (default -6, 6). */
    public Builder costClampLog2(double min, double max) {
      this.costLog2Min = min;
      this.costLog2Max = max;
      return this;
    }

    /** Sets the embedding dimension (default 64). */
    public Builder dim(int dim) {
      this.dim = dim;
      return this;
    }

    /** Sets the adapter scaling factor (default 1). */
    public Builder alpha(float alpha) {
      this.alpha = alpha;
      return this;
    }

    /** Sets the learning rate (default 1). */
    public Builder learningRate(float learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /**
     * Turns the engine's category blend on or off. Default off, unlike the engine: while an
     * operator adapter is young the blend hands its category's output to every scope of the
     * category, so a cost correction learned for hash joins reaches merge and nested-loop joins
     * too and cancels out in the planner's comparison (measured: HashJoin trained to x50 made
     * MergeJoin x64 through the Join category, and the plan did not change).
     */
    public Builder categoryFallback(boolean categoryFallback) {
      this.categoryFallback = categoryFallback;
      return this;
    }

    /**
     * Makes every node embed as the bias feature alone (default off). An ablation, not a
     * setting for production: with a constant input each scope's adapter can learn only one
     * constant correction per readout, a per-scope scalar trained by the same steps from the
     * same feedback. The evaluation uses it to measure what the embedding's features add.
     */
    public Builder biasOnly(boolean biasOnly) {
      this.biasOnly = biasOnly;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the argument, the rule and the value
     */
    public LoraConfig build() {
      checkBounds("rowClampLog2", rowLog2Min, rowLog2Max, 64);
      checkBounds("costClampLog2", costLog2Min, costLog2Max, 64);
      if (dim < CostEmbedding.MIN_DIM || dim > CostEmbedding.MAX_DIM) {
        throw new IllegalArgumentException("dim must be in " + CostEmbedding.MIN_DIM + ".."
            + CostEmbedding.MAX_DIM + ", got " + dim);
      }
      if (!(alpha > 0f) || !Float.isFinite(alpha)) {
        throw new IllegalArgumentException("alpha must be finite and > 0, got " + alpha);
      }
      if (!(learningRate > 0f) || !Float.isFinite(learningRate)) {
        throw new IllegalArgumentException(
            "learningRate must be finite and > 0, got " + learningRate);
      }
      return new LoraConfig(this);
    }

    private static void checkBounds(String name, double min, double max, double limit) {
      if (!Double.isFinite(min) || !Double.isFinite(max)) {
        throw new IllegalArgumentException(
            name + " bounds must be finite, got [" + min + ", " + max + "]");
      }
      if (min > 0 || max < 0) {
        throw new IllegalArgumentException(
            name + " bounds must include 0 (no correction), got [" + min + ", " + max + "]");
      }
      if (min < -limit || max > limit) {
        throw new IllegalArgumentException(name + " bounds must be within [-" + (int) limit
            + ", " + (int) limit + "], got [" + min + ", " + max + "]");
      }
    }
  }
}
