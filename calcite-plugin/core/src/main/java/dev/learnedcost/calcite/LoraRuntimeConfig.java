package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.guard.GuardOptions;
import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Everything a {@link LoraRuntime} is built from: the model's shape and guardrails, the default
 * mode, how it learns, the regression guard, and where and when its state is saved. Immutable;
 * built with {@link #builder()} and validated when built, so an invalid configuration never
 * exists (HikariCP's {@code HikariConfig} is the model, minus the mutability).
 *
 * <h2>Defaults and why</h2>
 * <ul>
 *   <li>{@code mode = ON}: connections and installs that do not name a mode apply the learned
 *       corrections (an untrained model applies none).</li>
 *   <li>{@code dim = 64}: 16 numeric dimensions plus 48 hashed identity buckets; with a handful of
 *       tables and key columns per query, 48 buckets keep collisions rare, and a forward costs
 *       about 3 x 64 multiply-adds.</li>
 *   <li>{@code alpha = 1}, {@code learningRate = 1}: with the embedding scaled to a norm of about
 *       3 to 6 ten supervised steps reach a target log-correction within 1%; the engine caps each
 *       step so it cannot overshoot, so a large rate is safe.</li>
 *   <li>Row clamp {@code 2^-20 .. 2^20}: JDBC tables without statistics count 100 rows, so a
 *       correction must be able to reach 10^8 rows (100 x 2^20) and, the other way, 1e-4.</li>
 *   <li>Cost clamp {@code 2^-6 .. 2^6}: the cost formula of one operator is rarely off by more
 *       once its rows are right; a narrow bound keeps one bad adapter from dominating a plan.</li>
 *   <li>{@code categoryFallback = false}: see {@link Builder#categoryFallback(boolean)}.</li>
 *   <li>Learning: a 256-deep queue (a full queue drops feedback, never blocks a query), three
 *       passes over the replay memory per execution, cost learning on.</li>
 *   <li>Guard: on; a learned plan whose median over 3 runs exceeds 1.2 x the stock median falls
 *       back, at once beyond 5 x; two stock baseline runs; retried after the model changed by
 *       25%.</li>
 *   <li>State: in memory unless {@link Builder#stateFile(Path)} is set; then saved every 100
 *       learned executions and on {@link LoraRuntime#close()}; no shutdown hook unless
 *       {@link Builder#saveOnShutdown(boolean)}.</li>
 *   <li>JMX on: a runtime is a long-lived owner, a few per JVM; its 18 MBeans cost
 *       microseconds to register and nothing until read, and a metric that needs code to turn on
 *       is missing when an operator needs it (a {@code jdbc:calcite-lora:} connection has no
 *       code). Turn it off with {@link Builder#jmxEnabled(boolean)} (or {@code loraJmx=false}).
 *       </li>
 * </ul>
 */
public final class LoraRuntimeConfig {
  /** Default embedding dimension. */
  public static final int DEFAULT_DIM = 64;
  /** Default executions between saves of a runtime with a state file. */
  public static final int DEFAULT_SAVE_EVERY = 100;
  /** The name of a runtime with neither a name nor a state file. */
  public static final String DEFAULT_NAME = "default";

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
  private final int queueCapacity;
  private final boolean synchronous;
  private final int stepsPerObservation;
  private final int trajectoryCapacity;
  private final boolean learnCost;
  private final GuardOptions guard;
  private final @Nullable Path stateFile;
  private final int saveEvery;
  private final boolean saveOnShutdown;
  private final Duration drainTimeout;
  private final @Nullable String name;
  private final boolean jmxEnabled;

  private LoraRuntimeConfig(Builder b) {
    this.mode = b.mode;
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
    this.queueCapacity = b.queueCapacity;
    this.synchronous = b.synchronous;
    this.stepsPerObservation = b.stepsPerObservation;
    this.trajectoryCapacity = b.trajectoryCapacity;
    this.learnCost = b.learnCost;
    this.guard = new GuardOptions(b.guardEnabled, b.guardThreshold, b.guardWindow,
        b.guardBaselineRuns, b.guardExploreEvery, b.guardRetryChange, b.guardSevereFactor);
    this.stateFile = b.stateFile;
    this.saveEvery = b.saveEvery;
    this.saveOnShutdown = b.saveOnShutdown;
    this.drainTimeout = b.drainTimeout;
    this.name = b.name;
    this.jmxEnabled = b.jmxEnabled;
  }

  /** Returns a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the default configuration: an in-memory runtime in mode ON. */
  public static LoraRuntimeConfig defaults() {
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
    b.queueCapacity = queueCapacity;
    b.synchronous = synchronous;
    b.stepsPerObservation = stepsPerObservation;
    b.trajectoryCapacity = trajectoryCapacity;
    b.learnCost = learnCost;
    b.guardEnabled = guard.enabled();
    b.guardThreshold = guard.threshold();
    b.guardWindow = guard.window();
    b.guardBaselineRuns = guard.baselineRuns();
    b.guardExploreEvery = guard.exploreEvery();
    b.guardRetryChange = guard.retryChange();
    b.guardSevereFactor = guard.severeFactor();
    b.stateFile = stateFile;
    b.saveEvery = saveEvery;
    b.saveOnShutdown = saveOnShutdown;
    b.drainTimeout = drainTimeout;
    b.name = name;
    b.jmxEnabled = jmxEnabled;
    return b;
  }

  /** Returns the mode of connections and installs that do not name one. */
  public LoraMode mode() {
    return mode;
  }

  /** Returns the scopes whose corrections are computed and trained (unmodifiable). */
  public Set<OperatorScope> enabledScopes() {
    return enabledScopes;
  }

  /** Returns whether corrections are computed and trained for a scope. */
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

  /** Returns the embedding dimension (a state file's own dimension wins when it is loaded). */
  public int dim() {
    return dim;
  }

  /** Returns the adapter scaling factor (a state file's own wins when it is loaded). */
  public float alpha() {
    return alpha;
  }

  /** Returns the learning rate of a supervised step (a state file's own wins when loaded). */
  public float learningRate() {
    return learningRate;
  }

  /** Returns whether operator adapters blend with their category while young. */
  public boolean categoryFallback() {
    return categoryFallback;
  }

  /** Returns whether every node embeds as the bias feature alone (an ablation). */
  public boolean biasOnly() {
    return biasOnly;
  }

  /** Returns how many executions may wait for the learner before new ones are dropped. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Returns whether executions are learned from on the executing thread (no learner thread). */
  public boolean synchronous() {
    return synchronous;
  }

  /** Returns the passes over the replay memory after each execution (0: observe only). */
  public int stepsPerObservation() {
    return stepsPerObservation;
  }

  /** Returns how many operator trajectories are held for inspection. */
  public int trajectoryCapacity() {
    return trajectoryCapacity;
  }

  /** Returns whether the cost readout is trained from measured times (rows always are). */
  public boolean learnCost() {
    return learnCost;
  }

  /** Returns whether the regression guard chooses plans. */
  public boolean guardEnabled() {
    return guard.enabled();
  }

  /** Returns the regression guard's settings (set through the builder's guard methods). */
  GuardOptions guardOptions() {
    return guard;
  }

  /** Returns the learned-state file, or null for a runtime that keeps its state in memory. */
  public @Nullable Path stateFile() {
    return stateFile;
  }

  /** Returns the learned executions between saves (0: only on save and close). */
  public int saveEvery() {
    return saveEvery;
  }

  /** Returns whether a JVM shutdown hook closes (and so saves) the runtime. */
  public boolean saveOnShutdown() {
    return saveOnShutdown;
  }

  /** Returns how long {@link LoraRuntime#close()} waits for the learner to drain its queue. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /**
   * Returns the runtime's name: the one set with {@link Builder#name(String)}, else the state
   * file's path, else {@code "default"}. It names the runtime's JMX MBeans.
   */
  public String name() {
    if (name != null) {
      return name;
    }
    return stateFile != null ? stateFile.toString() : DEFAULT_NAME;
  }

  /** Returns whether {@link Builder#name(String)} set the name (else it is derived). */
  boolean nameSet() {
    return name != null;
  }

  /** Returns whether the runtime registers its metrics as JMX MBeans while it is open. */
  public boolean jmxEnabled() {
    return jmxEnabled;
  }

  @Override
  public String toString() {
    return "LoraRuntimeConfig{name=" + name() + (jmxEnabled ? "" : ", jmx off") + ", mode=" + mode + ", enabledScopes=" + enabledScopes
        + ", rowLog2=[" + rowLog2Min + ", " + rowLog2Max + "], costLog2=[" + costLog2Min + ", "
        + costLog2Max + "], dim=" + dim + ", alpha=" + alpha + ", learningRate=" + learningRate
        + ", categoryFallback=" + categoryFallback + (biasOnly ? ", biasOnly" : "")
        + ", queueCapacity=" + queueCapacity + (synchronous ? ", synchronous" : "")
        + ", stepsPerObservation=" + stepsPerObservation + ", learnCost=" + learnCost
        + ", guard=" + guard + ", stateFile=" + stateFile + ", saveEvery=" + saveEvery
        + ", saveOnShutdown=" + saveOnShutdown + "}";
  }

  /** Mutable builder of {@link LoraRuntimeConfig}; {@link #build()} validates. */
  public static final class Builder {
    private LoraMode mode = LoraMode.ON;
    private EnumSet<OperatorScope> enabledScopes = EnumSet.allOf(OperatorScope.class);
    private double rowLog2Min = -20;
    private double rowLog2Max = 20;
    private double costLog2Min = -6;
    private double costLog2Max = 6;
    private int dim = DEFAULT_DIM;
    private float alpha = 1f;
    private float learningRate = 1f;
    private boolean categoryFallback = false;
    private boolean biasOnly = false;
    private int queueCapacity = 256;
    private boolean synchronous = false;
    private int stepsPerObservation = 3;
    private int trajectoryCapacity = 10_000;
    private boolean learnCost = true;
    private boolean guardEnabled = GuardOptions.DEFAULTS.enabled();
    private double guardThreshold = GuardOptions.DEFAULTS.threshold();
    private int guardWindow = GuardOptions.DEFAULTS.window();
    private int guardBaselineRuns = GuardOptions.DEFAULTS.baselineRuns();
    private int guardExploreEvery = GuardOptions.DEFAULTS.exploreEvery();
    private double guardRetryChange = GuardOptions.DEFAULTS.retryChange();
    private double guardSevereFactor = GuardOptions.DEFAULTS.severeFactor();
    private @Nullable Path stateFile;
    private int saveEvery = DEFAULT_SAVE_EVERY;
    private boolean saveOnShutdown = false;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private @Nullable String name;
    private boolean jmxEnabled = true;

    private Builder() {}

    /** Sets the mode of connections and installs that do not name one (default ON). */
    public Builder mode(LoraMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Sets the scopes whose corrections are computed and trained (default all). */
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

    /** Sets the embedding dimension of a new model, 32..256 (default 64). */
    public Builder dim(int dim) {
      this.dim = dim;
      return this;
    }

    /** Sets the adapter scaling factor of a new model (default 1). */
    public Builder alpha(float alpha) {
      this.alpha = alpha;
      return this;
    }

    /** Sets the learning rate of a new model (default 1). */
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
     * setting for production: each scope then learns one constant correction per readout. The
     * evaluation uses it to measure what the embedding's features add. Recorded in the state
     * file: a state learned with one setting is refused by a runtime with the other.
     */
    public Builder biasOnly(boolean biasOnly) {
      this.biasOnly = biasOnly;
      return this;
    }

    /** Sets how many executions may wait for the learner, at least 1 (default 256). */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Learns on the executing thread instead of a learner thread (default off): for tests and
     * single-threaded tools; adds the training time to each query.
     */
    public Builder synchronous(boolean synchronous) {
      this.synchronous = synchronous;
      return this;
    }

    /** Sets the passes over the replay memory after each execution, 0..64 (default 3). */
    public Builder stepsPerObservation(int stepsPerObservation) {
      this.stepsPerObservation = stepsPerObservation;
      return this;
    }

    /** Sets how many trajectories are held for inspection, at least 1 (default 10,000). */
    public Builder trajectoryCapacity(int trajectoryCapacity) {
      this.trajectoryCapacity = trajectoryCapacity;
      return this;
    }

    /**
     * Trains the cost readout from measured times, or not (default on); off makes learning a
     * deterministic function of the row counts.
     */
    public Builder learnCost(boolean learnCost) {
      this.learnCost = learnCost;
      return this;
    }

    /** Turns the regression guard on or off (default on; off, every query plans learned). */
    public Builder guardEnabled(boolean enabled) {
      this.guardEnabled = enabled;
      return this;
    }

    /**
     * Sets the regression threshold: a learned plan whose median latency over the window exceeds
     * this times the stock plan's median falls back; finite and {@code > 1} (default 1.2).
     */
    public Builder guardThreshold(double threshold) {
      this.guardThreshold = threshold;
      return this;
    }

    /** Sets the latencies per plan the guard's medians take, 1..64 (default 3). */
    public Builder guardWindow(int window) {
      this.guardWindow = window;
      return this;
    }

    /** Sets the stock runs of a query seen for the first time, 0..window (default 2). */
    public Builder guardBaselineRuns(int baselineRuns) {
      this.guardBaselineRuns = baselineRuns;
      return this;
    }

    /** Plans every n-th execution of a query with stock costs, 0 never (default 0). */
    public Builder guardExploreEvery(int exploreEvery) {
      this.guardExploreEvery = exploreEvery;
      return this;
    }

    /**
     * Sets the relative change of the model after which a guarded query tries its learned plan
     * again; finite and {@code > 0} (default 0.25).
     */
    public Builder guardRetryChange(double retryChange) {
      this.guardRetryChange = retryChange;
      return this;
    }

    /**
     * Sets the factor beyond which a single learned run (or two learned preparations in a row)
     * fall back at once; finite and {@code >= guardThreshold} (default 5).
     */
    public Builder guardSevereFactor(double severeFactor) {
      this.guardSevereFactor = severeFactor;
      return this;
    }

    /**
     * Keeps the learned state in {@code file} (adapters, calibration, query history, statistics;
     * see the module README for the format): loaded when the runtime opens, saved every
     * {@link #saveEvery} learned executions and on close. Null keeps it in memory (the default).
     */
    public Builder stateFile(@Nullable Path file) {
      this.stateFile = file;
      return this;
    }

    /** Sets the learned executions between saves, {@code >= 0}; 0 saves only on close. */
    public Builder saveEvery(int saveEvery) {
      this.saveEvery = saveEvery;
      return this;
    }

    /**
     * Registers a JVM shutdown hook that closes the runtime (and so saves it) when the JVM exits
     * normally; the hook is removed when the runtime closes (default off).
     */
    public Builder saveOnShutdown(boolean saveOnShutdown) {
      this.saveOnShutdown = saveOnShutdown;
      return this;
    }

    /** Sets how long close waits for the learner to drain its queue, positive (default 30 s). */
    public Builder drainTimeout(Duration drainTimeout) {
      this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
      return this;
    }

    /**
     * Names the runtime (default: the state file's path, else {@code "default"}); the name is
     * the {@code name} key of its JMX MBeans. Null restores the default. Two open runtimes may
     * share a name: the second one's MBeans get an {@code instance} key (see the module README).
     */
    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    /**
     * Registers the runtime's counters and per-scope statistics as JMX MBeans in the platform
     * MBean server while it is open (default on; the names, attributes and units are in the
     * module README). Registration never fails an open: a runtime whose MBeans cannot be
     * registered runs without them and says so at WARN.
     */
    public Builder jmxEnabled(boolean jmxEnabled) {
      this.jmxEnabled = jmxEnabled;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the setting, the rule and the value
     */
    public LoraRuntimeConfig build() {
      checkBounds("rowClampLog2", rowLog2Min, rowLog2Max);
      checkBounds("costClampLog2", costLog2Min, costLog2Max);
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
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
      }
      if (stepsPerObservation < 0 || stepsPerObservation > 64) {
        throw new IllegalArgumentException(
            "stepsPerObservation must be in 0..64, got " + stepsPerObservation);
      }
      if (trajectoryCapacity < 1) {
        throw new IllegalArgumentException(
            "trajectoryCapacity must be >= 1, got " + trajectoryCapacity);
      }
      if (saveEvery < 0) {
        throw new IllegalArgumentException("saveEvery must be >= 0, got " + saveEvery);
      }
      if (drainTimeout.isNegative() || drainTimeout.isZero()) {
        throw new IllegalArgumentException("drainTimeout must be positive, got " + drainTimeout);
      }
      if (name != null && name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank, got '" + name
            + "'; pass null for the default name");
      }
      // GuardOptions validates the guard settings under their builder names.
      return new LoraRuntimeConfig(this);
    }

    private static void checkBounds(String name, double min, double max) {
      if (!Double.isFinite(min) || !Double.isFinite(max)) {
        throw new IllegalArgumentException(
            name + " bounds must be finite, got [" + min + ", " + max + "]");
      }
      if (min > 0 || max < 0) {
        throw new IllegalArgumentException(
            name + " bounds must include 0 (no correction), got [" + min + ", " + max + "]");
      }
      if (min < -64 || max > 64) {
        throw new IllegalArgumentException(
            name + " bounds must be within [-64, 64], got [" + min + ", " + max + "]");
      }
    }
  }
}
