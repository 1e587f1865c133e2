package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.Fallbacks;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The learned cost model of one database: a {@link ScopedLoRA}, its {@link LoraConfig}, the
 * {@link ScopeResolver} and {@link CostEmbedding} that feed it, counters, and the metadata
 * provider built for it once. The class to start reading from.
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
 *   <li>Threads: planner threads forward, a learner thread trains, concurrently. This class
 *       adds no lock: it relies on {@link ScopedLoRA}'s own concurrency (a sequence lock:
 *       forwards never see a half-written update, and do not block each other), and on a
 *       per-thread buffer pair for {@code forwardInto}.</li>
 *   <li>Per-thread embedding and output buffers, so a correction needs no array of its own
 *       (Calcite's metadata API still boxes the answer).</li>
 *   <li>Guardrails: an exception in our part of a handler is counted per exception class,
 *       logged at WARN the first time a class is seen, and the node gets the stock answer.</li>
 * </ul>
 */
public final class LoraCostModel {
  private final ScopedLoRA lora;
  private volatile LoraConfig config;
  private final ScopeResolver resolver;
  private final CostEmbedding embedding;
  private volatile @Nullable LoraObserver observer;
  private final ThreadLocal<float[][]> buffers;
  private final Fallbacks fallbacks = new Fallbacks();
  private final LongAdder rowCountCalls = new LongAdder();
  private final LongAdder costCalls = new LongAdder();
  private final LongAdder forwards = new LongAdder();
  private final LongAdder rowCorrections = new LongAdder();
  private final LongAdder costCorrections = new LongAdder();
  private final LongAdder shadowCorrections = new LongAdder();
  private final LongAdder trainSteps = new LongAdder();
  private volatile @Nullable JaninoRelMetadataProvider metadataProvider;
  private final ThreadLocal<int[]> stockPlanningDepth = ThreadLocal.withInitial(() -> new int[1]);

  private LoraCostModel(ScopedLoRA lora, LoraConfig config, ScopeResolver resolver) {
    this.lora = lora;
    this.config = config;
    this.resolver = resolver;
    this.embedding = new CostEmbedding(config.dim(), config.biasOnly());
    lora.setCategoryFallback(config.categoryFallback());
    int dim = config.dim();
    this.buffers = ThreadLocal.withInitial(() -> new float[][] {new float[dim], new float[dim]});
  }

  /** Creates an untrained model with the default configuration. */
  public static LoraCostModel create() {
    return create(LoraConfig.defaults());
  }

  /** Creates an untrained model: every correction is exactly 1 until it is trained. */
  public static LoraCostModel create(LoraConfig config) {
    Objects.requireNonNull(config, "config");
    return new LoraCostModel(
        new ScopedLoRA(config.dim(), config.alpha(), config.learningRate()), config,
        ScopeResolver.standard());
  }

  /**
   * Opens a model from a snapshot written by {@link #save(Path)}, or creates an untrained one
   * when {@code snapshot} does not exist yet (the first run of a database). The snapshot's
   * dimension, alpha and learning rate win over the configuration's.
   *
   * @throws IOException if the snapshot exists but cannot be read (a
   *     {@link dev.learnedcost.engine.SnapshotFormatException} names the failed check)
   */
  public static LoraCostModel open(Path snapshot, LoraConfig config) throws IOException {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(config, "config");
    if (!Files.exists(snapshot)) {
      return create(config);
    }
    return of(ScopedLoRA.load(snapshot), config);
  }

  /**
   * Reads a model from a stream holding a snapshot written by {@link #writeTo}; the snapshot's
   * dimension, alpha and learning rate win over the configuration's.
   *
   * @throws IOException if the stream fails or the snapshot is invalid (a
   *     {@link dev.learnedcost.engine.SnapshotFormatException} names the failed check)
   */
  public static LoraCostModel readFrom(InputStream in, LoraConfig config) throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(config, "config");
    return of(ScopedLoRA.readFrom(in), config);
  }

  private static LoraCostModel of(ScopedLoRA loaded, LoraConfig config) {
    LoraConfig merged = config.toBuilder()
        .dim(loaded.dim()).alpha(loaded.alpha()).learningRate(loaded.learningRate()).build();
    return new LoraCostModel(loaded, merged, ScopeResolver.standard());
  }

  /** Writes a snapshot of the adapters to {@code out} (the format of {@link #save(Path)}). */
  public void writeTo(OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    lora.writeTo(out);
  }

  /**
   * Writes a snapshot of the adapters to {@code file}.
   *
   * @throws IOException if writing fails (the previous snapshot, if any, is then intact)
   */
  public void save(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    lora.save(file);
  }

  /** Returns the adapters (see the class notes on threads before using them directly). */
  public ScopedLoRA scopedLoRA() {
    return lora;
  }

  /** Returns the current configuration. */
  public LoraConfig config() {
    return config;
  }

  /**
   * Replaces the configuration; planners pick it up at their next metadata call.
   *
   * @throws IllegalArgumentException if {@code dim}, {@code alpha} or {@code learningRate}
   *     differ from the model's (they fix the adapters' shape: create a new model instead)
   */
  public void setConfig(LoraConfig newConfig) {
    Objects.requireNonNull(newConfig, "newConfig");
    LoraConfig c = config;
    if (newConfig.dim() != c.dim() || newConfig.alpha() != c.alpha()
        || newConfig.learningRate() != c.learningRate() || newConfig.biasOnly() != c.biasOnly()) {
      throw new IllegalArgumentException(
          "newConfig must keep dim, alpha, learningRate and biasOnly (" + c.dim() + ", "
          + c.alpha() + ", " + c.learningRate() + ", " + c.biasOnly() + "), got ("
          + newConfig.dim() + ", " + newConfig.alpha() + ", " + newConfig.learningRate() + ", "
          + newConfig.biasOnly() + "); create a new LoraCostModel to change them");
    }
    lora.setCategoryFallback(newConfig.categoryFallback());
    this.config = newConfig;
  }

  /** Switches the mode, keeping the rest of the configuration. */
  public void setMode(LoraMode mode) {
    setConfig(config.withMode(mode));
  }

  /** Undoes {@link #stockPlanning()}; closing twice does nothing. */
  public interface StockPlanning extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Makes the queries planned on this thread, until the returned handle is closed, plan as stock
   * Calcite would: the install points ({@link LoraCalcite}, the driver) leave the stock metadata
   * and cost factory in place, so not one handler of this model runs. The regression guard uses
   * it for a query whose learned plan ran slower than its stock plan. Nests; the flag is read
   * once per planning, so the handlers pay nothing for it.
   */
  public StockPlanning stockPlanning() {
    int[] depth = stockPlanningDepth.get();
    depth[0]++;
    return new StockPlanning() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          depth[0]--;
        }
      }
    };
  }

  /** Returns whether queries planned on this thread now plan with stock costs. */
  public boolean isStockPlanning() {
    return stockPlanningDepth.get()[0] > 0;
  }

  /** Returns the resolver that maps nodes to scopes. */
  public ScopeResolver scopeResolver() {
    return resolver;
  }

  /** Returns the embedding this model reads. */
  public CostEmbedding embedding() {
    return embedding;
  }

  /** Sets (or clears, with null) the observer of computed corrections. */
  public void setObserver(@Nullable LoraObserver observer) {
    this.observer = observer;
  }

  /**
   * Returns a new embedding of {@code rel} with {@code rows} as its estimated output rows (the
   * stock estimate for a row-count sample, the learned one for a cost sample, as the handlers
   * do).
   */
  public float[] embed(RelNode rel, RelMetadataQuery mq, double rows) {
    float[] x = new float[config.dim()];
    embedding.embed(rel, mq, rows, x);
    return x;
  }

  /**
   * One supervised step of a scope towards log-corrections: the adapter's readouts move towards
   * {@code rowsLogRatio = ln(actualRows / estimatedRows)} and {@code costLogRatio}. The row
   * target trains the adapter of {@link #rowScope(OperatorScope)}. Pass
   * {@code Double.NaN} for a readout without a target.
   *
   * @param scope the scope to train
   * @param x an embedding from {@link #embed} or a {@link LoraObserver}; not modified
   * @return the squared loss before the step (the sum over the readouts trained, each trained
   *     on its own rank)
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

  /**
   * Returns the clamped correction factors the model gives an embedding in a scope, whatever the
   * mode: {@code [rowsFactor, costFactor]}.
   */
  public double[] correction(OperatorScope scope, float[] x) {
    float[] y = lora.forwardArray(scope, x);
    OperatorScope rowScope = rowScope(scope);
    float[] yRows = rowScope == scope ? y : lora.forwardArray(rowScope, x);
    LoraConfig c = config;
    return new double[] {
      factor(yRows[CostEmbedding.READOUT_ROWS], c.rowLog2Min(), c.rowLog2Max()),
      factor(y[CostEmbedding.READOUT_COST], c.costLog2Min(), c.costLog2Max())
    };
  }

  private static final double LN2 = Math.log(2);
  private static final int[] ROWS_READOUT = {CostEmbedding.READOUT_ROWS};
  private static final int[] COST_READOUT = {CostEmbedding.READOUT_COST};
  /** The adapter rank that learns row corrections; the other one learns cost. */
  static final int ROWS_RANK = 0;
  /** The adapter rank that learns cost corrections. */
  static final int COST_RANK = 1;

  private static double factor(float logCorrection, double log2Min, double log2Max) {
    double v = Math.max(log2Min * LN2, Math.min(log2Max * LN2, logCorrection));
    return v == 0.0 ? 1.0 : Math.exp(v);
  }

  /** Returns a snapshot of the counters. */
  public LoraStats stats() {
    return new LoraStats(
        rowCountCalls.sum(), costCalls.sum(), forwards.sum(), rowCorrections.sum(),
        costCorrections.sum(), shadowCorrections.sum(), trainSteps.sum(), fallbacks.total(),
        fallbacks.byKind());
  }

  /**
   * Returns the chained metadata provider of this model (ours in front of
   * {@code DefaultRelMetadataProvider}), compiled by Janino once and reused.
   */
  public JaninoRelMetadataProvider metadataProvider() {
    JaninoRelMetadataProvider p = metadataProvider;
    if (p == null) {
      synchronized (this) {
        p = metadataProvider;
        if (p == null) {
          p = LoraMetadataProvider.build(this);
          metadataProvider = p;
        }
      }
    }
    return p;
  }

  // ---- called by the handlers -------------------------------------------------------------

  /** Returns the learned row count of {@code rel} given its stock estimate {@code base}. */
  double correctRows(RelNode rel, RelMetadataQuery mq, double base) {
    rowCountCalls.increment();
    LoraConfig c = config;
    if (c.mode() == LoraMode.OFF || !(base >= 0) || Double.isInfinite(base)) {
      return base;
    }
    try {
      OperatorScope scope = correctedScope(rel);
      if (scope == null || !c.isEnabled(scope)) {
        return base;
      }
      double f = forwardFactor(rel, mq, rowScope(scope), base, CostEmbedding.READOUT_ROWS, c,
          base);
      if (c.mode() == LoraMode.SHADOW) {
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
   * 60 s timeout against 0.4 s stock, and the evaluation's scalar ablation timed out on most
   * queries (the nested loop is the likely mechanism; the timed-out plans were not captured).
   * Cost corrections stay per algorithm.
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
  @Nullable OperatorScope correctedScope(RelNode rel) {
    return rel.getConvention() instanceof JdbcConvention ? null : resolver.resolve(rel);
  }

  /** Returns the cost correction factor of {@code rel} (1 when none applies). */
  double costFactor(RelNode rel, RelMetadataQuery mq, double baseValue) {
    costCalls.increment();
    LoraConfig c = config;
    if (c.mode() == LoraMode.OFF) {
      return 1.0;
    }
    try {
      OperatorScope scope = correctedScope(rel);
      if (scope == null || !c.isEnabled(scope)) {
        return 1.0;
      }
      Double rows = mq.getRowCount(rel);
      double r = rows == null || !(rows >= 0) || Double.isInfinite(rows) ? 0.0 : rows;
      double f = forwardFactor(rel, mq, scope, r, CostEmbedding.READOUT_COST, c, baseValue);
      if (c.mode() == LoraMode.SHADOW) {
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

  private double forwardFactor(
      RelNode rel, RelMetadataQuery mq, OperatorScope scope, double rows, int readout,
      LoraConfig c, double base) {
    float[][] b = buffers.get();
    float[] x = b[0];
    float[] y = b[1];
    embedding.embed(rel, mq, rows, x);
    lora.forwardInto(scope, x, y);
    forwards.increment();
    double f = readout == CostEmbedding.READOUT_ROWS
        ? factor(y[readout], c.rowLog2Min(), c.rowLog2Max())
        : factor(y[readout], c.costLog2Min(), c.costLog2Max());
    LoraObserver o = observer;
    if (o != null) {
      o.onCorrection(rel, scope, readout, x, base, f);
    }
    return f;
  }

  /** Records a failure outside a handler's own try block (used by the cost handler). */
  void recordFallback(String where, RelNode rel, RuntimeException e) {
    fallbacks.record(where, rel, e);
  }

  @Override
  public String toString() {
    return "LoraCostModel{" + config + ", " + stats() + "}";
  }
}
