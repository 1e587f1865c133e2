package dev.learnedcost.calcite.internal;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The learned model of one runtime: a {@link ScopedLoRA}, the {@link ScopeResolver} and
 * {@link CostEmbedding} that feed it, the guardrails of its configuration, and the counters of
 * its corrections. The shared metadata handlers call {@link #correctRows} and
 * {@link #costFactor} through a planning's {@link Binding}; the learner calls {@link #train}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Readouts are natural-log corrections: the adapter's output at
 *       {@link CostEmbedding#READOUT_ROWS} / {@link CostEmbedding#READOUT_COST} (where the
 *       embedding holds 0) is clamped to the configured bounds and exponentiated; an untrained
 *       adapter outputs 0, so the factor is exactly 1.</li>
 *   <li>One rank per readout: rows train rank 0 and cost trains rank 1
 *       ({@code ScopedLoRA.trainTargetsOnRank}), so the two corrections are independent linear
 *       functions of the embedding. Measured without it (both readouts on both ranks): timing
 *       noise in the cost targets moved the shared A and undid row learning (in the skew demo
 *       the HashJoin row error grew with learning, 3.05 to 3.44).</li>
 *   <li>Threads: planner threads forward, the learner thread trains, concurrently. No lock
 *       here: {@link ScopedLoRA}'s sequence lock keeps forwards from seeing a half-written
 *       update without blocking each other; embeddings go to per-thread buffers.</li>
 *   <li>Guardrails: an exception in our part of a handler is counted per exception class,
 *       logged at WARN the first time a class is seen, and the node gets the stock answer.</li>
 * </ul>
 */
public final class LearnedModel {
  /** The adapter rank that learns row corrections; the other one learns cost. */
  static final int ROWS_RANK = 0;
  /** The adapter rank that learns cost corrections. */
  static final int COST_RANK = 1;
  private static final double LN2 = Math.log(2);
  private static final int[] ROWS_READOUT = {CostEmbedding.READOUT_ROWS};
  private static final int[] COST_READOUT = {CostEmbedding.READOUT_COST};

  private final ScopedLoRA lora;
  private final LoraRuntimeConfig config;
  private final ScopeResolver resolver;
  private final CostEmbedding embedding;
  private final ThreadLocal<float[][]> buffers;
  private final Fallbacks fallbacks = new Fallbacks();
  private final LongAdder rowCountCalls = new LongAdder();
  private final LongAdder costCalls = new LongAdder();
  private final LongAdder forwards = new LongAdder();
  private final LongAdder rowCorrections = new LongAdder();
  private final LongAdder costCorrections = new LongAdder();
  private final LongAdder shadowCorrections = new LongAdder();
  private final LongAdder trainSteps = new LongAdder();

  /**
   * Creates a model over {@code lora} (whose dimension must match the configuration's) with the
   * {@link ScopeResolver#standard() standard} resolver.
   */
  public LearnedModel(ScopedLoRA lora, LoraRuntimeConfig config) {
    this(lora, config, ScopeResolver.standard());
  }

  /** Creates a model with another resolver (tests, engines with their own mappings). */
  public LearnedModel(ScopedLoRA lora, LoraRuntimeConfig config, ScopeResolver resolver) {
    this.lora = Objects.requireNonNull(lora, "lora");
    this.config = Objects.requireNonNull(config, "config");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    if (lora.dim() != config.dim()) {
      throw new IllegalArgumentException("adapter dim (" + lora.dim()
          + ") must equal the configuration's dim (" + config.dim() + ")");
    }
    this.embedding = new CostEmbedding(config.dim(), config.biasOnly());
    lora.setCategoryFallback(config.categoryFallback());
    int dim = config.dim();
    this.buffers = ThreadLocal.withInitial(() -> new float[][] {new float[dim], new float[dim]});
  }

  /** Creates an untrained model for a configuration. */
  public static LearnedModel untrained(LoraRuntimeConfig config) {
    return new LearnedModel(
        new ScopedLoRA(config.dim(), config.alpha(), config.learningRate()), config);
  }

  /** Returns the adapters. */
  public ScopedLoRA scopedLoRA() {
    return lora;
  }

  /** Returns the configuration. */
  public LoraRuntimeConfig config() {
    return config;
  }

  /** Returns the resolver. */
  public ScopeResolver scopeResolver() {
    return resolver;
  }

  /** Returns the embedding. */
  public CostEmbedding embedding() {
    return embedding;
  }

  /** Returns a new embedding of {@code rel} with {@code rows} as its estimated output rows. */
  public float[] embed(RelNode rel, RelMetadataQuery mq, double rows) {
    float[] x = new float[config.dim()];
    embedding.embed(rel, mq, rows, x);
    return x;
  }

  /**
   * Returns the scope whose adapter learns and applies the row corrections of nodes of
   * {@code scope}: the hash join's for a merge join, the scope itself otherwise. A row count is
   * a property of the logical join, not of its algorithm: Volcano costs a hash join and a merge
   * join of the same equi-join side by side, and a subset's rows are those of whichever
   * alternative is best at the moment. Per-algorithm corrections gave the two different row
   * counts (an untrained merge join kept the stock estimate beside a trained hash join), so
   * the comparison and the rows seen above the join flipped with the choice.
   *
   * <p>Nested-loop joins keep their own. Calcite costs them by their output rows, so an
   * equi-join's learned (small) row count can make a nested loop over two large inputs look
   * cheap: with all three shared, the correctness suite's trained model planned skew s01 into a
   * 60 s timeout against 0.4 s stock. Cost corrections stay per algorithm.
   */
  public static OperatorScope rowScope(OperatorScope scope) {
    return scope == OperatorScope.MergeJoin ? OperatorScope.HashJoin : scope;
  }

  /**
   * The scope whose adapter corrects {@code rel}, or null when none does: nodes without a scope,
   * and nodes inside a fragment pushed to a database ({@link JdbcConvention}). Such a fragment is
   * corrected once, as a scan, at the converter above it (the node whose actuals the plugin can
   * observe); correcting its inside too would compound the corrections.
   */
  public @Nullable OperatorScope correctedScope(RelNode rel) {
    return rel.getConvention() instanceof JdbcConvention ? null : resolver.resolve(rel);
  }

  /**
   * One supervised step of a scope towards log-corrections: the adapter's readouts move towards
   * {@code rowsLogRatio = ln(actualRows / estimatedRows)} and {@code costLogRatio}. The row
   * target trains the adapter of {@link #rowScope(OperatorScope)}. NaN: no target for that
   * readout.
   *
   * @return the squared loss before the step
   * @throws IllegalArgumentException if both targets are NaN, a target is infinite, or the
   *     embedding has the wrong length or a non-finite element (nothing changes)
   */
  public double train(OperatorScope scope, float[] x, double rowsLogRatio, double costLogRatio) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(x, "x");
    boolean rows = !Double.isNaN(rowsLogRatio);
    boolean cost = !Double.isNaN(costLogRatio);
    if (!rows && !cost) {
      throw new IllegalArgumentException(
          "rowsLogRatio and costLogRatio must not both be NaN; give at least one target");
    }
    if (Double.isInfinite(rowsLogRatio) || Double.isInfinite(costLogRatio)) {
      throw new IllegalArgumentException("log ratios must be finite or NaN, got rowsLogRatio="
          + rowsLogRatio + ", costLogRatio=" + costLogRatio);
    }
    double loss = 0;
    if (rows) {
      loss += lora.trainTargetsOnRank(rowScope(scope), x, ROWS_READOUT,
          new float[] {(float) rowsLogRatio}, ROWS_RANK);
      trainSteps.increment();
    }
    if (cost) {
      loss += lora.trainTargetsOnRank(scope, x, COST_READOUT, new float[] {(float) costLogRatio},
          COST_RANK);
      trainSteps.increment();
    }
    return loss;
  }

  /** Returns the clamped factors the model gives an embedding: {@code [rows, cost]}. */
  public double[] correction(OperatorScope scope, float[] x) {
    float[] y = lora.forwardArray(scope, x);
    OperatorScope rowScope = rowScope(scope);
    float[] yRows = rowScope == scope ? y : lora.forwardArray(rowScope, x);
    return new double[] {
      factor(yRows[CostEmbedding.READOUT_ROWS], config.rowLog2Min(), config.rowLog2Max()),
      factor(y[CostEmbedding.READOUT_COST], config.costLog2Min(), config.costLog2Max())
    };
  }

  private static double factor(float logCorrection, double log2Min, double log2Max) {
    double v = Math.max(log2Min * LN2, Math.min(log2Max * LN2, logCorrection));
    return v == 0.0 ? 1.0 : Math.exp(v);
  }

  /** The per-scope adapter norms: the model state the regression guard compares. */
  public double[] state() {
    double[] v = new double[OperatorScope.COUNT];
    for (OperatorScope s : OperatorScope.values()) {
      v[s.id()] = lora.deltaNorm(s);
    }
    return v;
  }

  // ---- called by the handlers, through a Binding --------------------------------------------

  /**
   * Returns the row factor of {@code rel} given the engine's estimate {@code base} (1 where no
   * correction applies, and in modes OFF and SHADOW), for an engine's own handlers.
   */
  public double rowFactor(RelNode rel, RelMetadataQuery mq, double base, Binding b) {
    double v = correctRows(rel, mq, base, b);
    return v == base || !(base > 0) ? 1.0 : v / base;
  }

  /** Returns the learned row count of {@code rel} given its stock estimate {@code base}. */
  double correctRows(RelNode rel, RelMetadataQuery mq, double base, Binding b) {
    rowCountCalls.increment();
    LoraMode mode = b.mode();
    if (mode == LoraMode.OFF || !(base >= 0) || Double.isInfinite(base)) {
      return base;
    }
    try {
      OperatorScope scope = correctedScope(rel);
      if (scope == null || !config.isEnabled(scope)) {
        return base;
      }
      double f = forwardFactor(rel, mq, rowScope(scope), base, CostEmbedding.READOUT_ROWS, b,
          base);
      if (mode == LoraMode.SHADOW) {
        shadowCorrections.increment();
        return base;
      }
      rowCorrections.increment();
      return f == 1.0 ? base : base * f;
    } catch (RuntimeException e) {
      Fallbacks.rethrowControlFlow(e);
      fallbacks.record("rowCount", rel, e);
      return base;
    }
  }

  /** Returns the cost correction factor of {@code rel} (1 when none applies). */
  public double costFactor(RelNode rel, RelMetadataQuery mq, double baseValue, Binding b) {
    costCalls.increment();
    LoraMode mode = b.mode();
    if (mode == LoraMode.OFF) {
      return 1.0;
    }
    try {
      OperatorScope scope = correctedScope(rel);
      if (scope == null || !config.isEnabled(scope)) {
        return 1.0;
      }
      Double rows = mq.getRowCount(rel);
      double r = rows == null || !(rows >= 0) || Double.isInfinite(rows) ? 0.0 : rows;
      double f = forwardFactor(rel, mq, scope, r, CostEmbedding.READOUT_COST, b, baseValue);
      if (mode == LoraMode.SHADOW) {
        shadowCorrections.increment();
        return 1.0;
      }
      costCorrections.increment();
      return f;
    } catch (RuntimeException e) {
      Fallbacks.rethrowControlFlow(e);
      fallbacks.record("nonCumulativeCost", rel, e);
      return 1.0;
    }
  }

  private double forwardFactor(RelNode rel, RelMetadataQuery mq, OperatorScope scope,
      double rows, int readout, Binding b, double base) {
    float[][] buf = buffers.get();
    float[] x = buf[0];
    float[] y = buf[1];
    embedding.embed(rel, mq, rows, x);
    lora.forwardInto(scope, x, y);
    forwards.increment();
    double f = readout == CostEmbedding.READOUT_ROWS
        ? factor(y[readout], config.rowLog2Min(), config.rowLog2Max())
        : factor(y[readout], config.costLog2Min(), config.costLog2Max());
    TraceCaptures sink = b.sink();
    if (sink != null) {
      sink.record(rel, readout, x, base, f);
    }
    return f;
  }

  /** Counts a failure outside a handler's own try block. */
  void recordFallback(String where, RelNode rel, RuntimeException e) {
    fallbacks.record(where, rel, e);
  }

  /** The model's counters (see {@code LoraStats} for their meaning). */
  public record Counters(long rowCountCalls, long costCalls, long forwards, long rowCorrections,
      long costCorrections, long shadowCorrections, long trainSteps, long fallbacks) {}

  /** Returns a snapshot of the counters. */
  public Counters counters() {
    return new Counters(rowCountCalls.sum(), costCalls.sum(), forwards.sum(),
        rowCorrections.sum(), costCorrections.sum(), shadowCorrections.sum(), trainSteps.sum(),
        fallbacks.total());
  }

  /** Returns the fallbacks by exception class name. */
  public Map<String, Long> fallbacksByKind() {
    return fallbacks.byKind();
  }
}
