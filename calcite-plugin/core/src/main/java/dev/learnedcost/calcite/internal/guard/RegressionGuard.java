package dev.learnedcost.calcite.internal.guard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import dev.learnedcost.calcite.PlanChoice;
import dev.learnedcost.calcite.QueryHistory;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, per query fingerprint, the latencies of its stock and learned plans, and plans a query
 * with stock costs when its learned plan has run slower than its stock plan.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Decide before planning ({@link #choose}), learn after executing ({@link #record}).
 *       The guard cannot know whether the learned plan will differ from the stock one before
 *       planning it, so it compares plans by the hash of their text after the fact: a learned
 *       plan identical to the stock plan counts as a stock run (it refreshes the baseline and
 *       can never be a regression).</li>
 *   <li>Baseline: the first {@code baselineRuns} executions of a new query run the stock plan.
 *       The very first run of a query is cold (freshly generated code; TPC-H: 12.6 s against
 *       3.4 s warm), so it is kept out of the stock window and stands in only while the window
 *       is empty. With {@code exploreEvery = n > 0}, every n-th execution runs stock again.</li>
 *   <li>Parameters: a fingerprint stands for every instance of a query shape, whose latencies
 *       differ with their literals (a segment holding 1% or 70% of the sales). Comparisons are
 *       therefore between distributions, not single runs: the learned window's median against
 *       the stock window's median, and a single learned run against the slowest recent stock
 *       run. Measured on the evaluation's parameterized stream before this rule: against the
 *       fastest stock run, a heavy instance's learned run looked 5x slower than a light
 *       instance's stock run and fell back at once, though both plans were right.</li>
 *   <li>Regression: once the current learned plan has {@code window} latencies, their median is
 *       compared with the stock window's; above {@code threshold} times, the query is guarded:
 *       it plans with stock costs, the fallback is counted and logged, and the model's state
 *       (the vector of per-scope adapter norms) is noted. A single run beyond
 *       {@code severeFactor} times the slowest stock run in the window, finished or not (a
 *       timeout), falls back at once.</li>
 *   <li>Stale baseline: stock runs stop once a query plans learned, so after the data has
 *       grown the stock window describes smaller data than the learned runs it is compared
 *       with, and every learned plan looks slower. When the newest stock run is more than
 *       {@value #STALE_AFTER} executions of the query old and the median rule trips, the guard
 *       first re-measures: the stock window is emptied, the next {@value #VERIFY_RUNS}
 *       executions plan stock ({@link PlanChoice#STOCK_EXPLORE}), and the rule is applied again
 *       against them. Measured in the evaluation: after the data grew 2.5x, a learned plan
 *       running 400 ms (stock then about 1,000 ms) fell back against a stock median of 280 ms
 *       from before the growth, and its query ran stock from then on. A regressed learned plan
 *       costs nothing extra this way (the re-measuring runs are the stock runs the fallback
 *       would have made); a good one costs {@value #VERIFY_RUNS} stock runs instead of all of
 *       them. The severe rule never waits.</li>
 *   <li>Preparation: a learned plan can also be slow to make. Learned costs change the search
 *       (other join orders look cheap, and Volcano explores more of them), and a statement that
 *       runs out of time while being planned never executes, so execution times would never
 *       show it. {@link #recordPreparation} takes the time of every preparation (parsing,
 *       planning, code generation: what the runtime's query scope spans); a learned
 *       preparation longer than {@code severeFactor} times the median of the query's stock
 *       preparations (at least {@value #MIN_PREPARATION_MS} ms, so that the noise of fast
 *       preparations does not count), finished or not, is slow; {@value #SLOW_PREPARATIONS}
 *       slow ones in a row fall back. One is not enough: a new plan's first preparation
 *       generates and compiles its code, and the first learned one in a process also the
 *       learned metadata handlers (seen in the evaluation with one preparation per rule: a
 *       learned preparation of 264 ms against a stock median of 23 ms fell back, most likely
 *       such a one-off, not confirmed); a planner stuck in a timeout
 *       is slow every time and costs two timeouts. The first stock preparation is cold and
 *       stays out of the stock window, as for executions.</li>
 *   <li>Retry: a guarded query tries its learned plan again only when the model has changed
 *       materially since: the relative distance between the norm vectors reaches
 *       {@code retryChange}. A changed learned plan starts a new window.</li>
 *   <li>Threads: {@link #choose} runs on planner threads, {@link #record} on the learner; each
 *       fingerprint's entry is guarded by its own monitor, the map is concurrent.</li>
 *   <li>Persistence: {@link GuardCodec}, inside the learned-state file.</li>
 * </ul>
 */
public final class RegressionGuard {
  /** Longest normalized SQL kept per fingerprint, in characters. */
  public static final int MAX_SHAPE = 400;
  /** Most fingerprints kept; beyond it the least recently planned ones are dropped. */
  public static final int MAX_FINGERPRINTS = 10_000;
  /** Executions of a query after its newest stock run beyond which that baseline is stale. */
  public static final int STALE_AFTER = 10;
  /** Stock runs that re-measure a stale baseline before a fallback. */
  public static final int VERIFY_RUNS = 2;
  /** Smallest stock preparation median the preparation rule multiplies, in ms. */
  public static final double MIN_PREPARATION_MS = 20;
  /** Consecutive slow learned preparations that fall back. */
  public static final int SLOW_PREPARATIONS = 2;

  private static final Logger LOG = LoggerFactory.getLogger(RegressionGuard.class);

  private final GuardOptions options;
  private final ConcurrentHashMap<String, GuardEntry> entries = new ConcurrentHashMap<>();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final AtomicLong tick = new AtomicLong();

  /** Creates an empty guard. */
  public RegressionGuard(GuardOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Returns the settings. */
  public GuardOptions options() {
    return options;
  }

  /**
   * Decides how to plan one execution of a query.
   *
   * @param fingerprint from {@link QueryFingerprint#of}
   * @param shape the normalized SQL (kept for printouts)
   * @param modelState the model's per-scope adapter norms now (asked only for a guarded query)
   */
  public PlanChoice choose(String fingerprint, String shape, Supplier<double[]> modelState) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(modelState, "modelState");
    GuardEntry e = entry(fingerprint, shape);
    long now = tick.incrementAndGet();
    synchronized (e) {
      e.planned++;
      e.lastPlanned = now;
      if (!options.enabled()) {
        return PlanChoice.LEARNED;
      }
      if (e.guarded) {
        double change = relativeChange(e.guardState, modelState.get());
        if (change < options.retryChange()) {
          return PlanChoice.STOCK_GUARDED;
        }
        e.guarded = false;
        e.learned.clear();
        retries.increment();
        LOG.info("query {} tries its learned plan again: the model changed by {} since the"
            + " fallback", fingerprint, String.format(java.util.Locale.ROOT, "%.0f%%", change * 100));
        return PlanChoice.LEARNED;
      }
      if (e.stockRuns < options.baselineRuns()) {
        return PlanChoice.STOCK_BASELINE;
      }
      if (e.verifying) {
        return PlanChoice.STOCK_EXPLORE;
      }
      if (options.exploreEvery() > 0 && e.planned % options.exploreEvery() == 0) {
        return PlanChoice.STOCK_EXPLORE;
      }
      return PlanChoice.LEARNED;
    }
  }

  /**
   * Records a completed execution.
   *
   * @param choice how it was planned
   * @param planHash a hash of its plan's text
   * @param ms its execution time
   * @param modelState the model's per-scope adapter norms now (asked only on a fallback)
   * @return true if this execution made the guard fall back to stock for the query
   */
  public boolean record(String fingerprint, String shape, PlanChoice choice, long planHash,
      double ms, Supplier<double[]> modelState) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(choice, "choice");
    checkMs(ms);
    GuardEntry e = entry(fingerprint, shape);
    synchronized (e) {
      boolean sameAsStock = e.stockRuns > 0 && planHash == e.stockPlan;
      if (choice.isStock() || sameAsStock) {
        if (e.stockRuns > 0) {
          e.stock.add(ms); // the first run is cold: see the class notes
        }
        e.stockRuns++;
        e.stockPlan = planHash;
        e.lastStockMs = ms;
        e.plannedAtStock = e.planned;
      }
      if (choice.isStock()) {
        if (!e.verifying || e.stock.size() < VERIFY_RUNS) {
          return false;
        }
        e.verifying = false;
        double learned = e.learned.median();
        double stock = e.stockMs();
        boolean regressed = e.learned.size() >= options.window()
            && learned > options.threshold() * stock;
        if (!regressed) {
          LOG.info("query {} keeps its learned plan: {} ms against a re-measured stock median of"
              + " {} ms", e.fingerprint, fmt(learned), fmt(stock));
        }
        return regressed && fallBack(e, learned, stock,
            "median over " + options.window() + " runs", "re-measured median", modelState);
      }
      addLearned(e, planHash, ms);
      if (!options.enabled() || sameAsStock || e.stockRuns == 0) {
        return false;
      }
      double slowest = e.slowestStockMs();
      if (ms > options.severeFactor() * slowest) {
        return fallBack(e, ms, slowest, "one run", "slowest", modelState);
      }
      if (e.learned.size() < options.window()) {
        return false;
      }
      double learned = e.learned.median();
      double stock = e.stockMs();
      if (!(learned > options.threshold() * stock)) {
        return false;
      }
      if (e.planned - e.plannedAtStock > STALE_AFTER) {
        e.verifying = true;
        e.stock.clear();
        LOG.info("query {} re-measures its stock plan before deciding: learned {} ms against a"
            + " stock median of {} ms from {} executions ago", e.fingerprint, fmt(learned),
            fmt(stock), e.planned - e.plannedAtStock);
        return false;
      }
      return fallBack(e, learned, stock, "median over " + options.window() + " runs", "median",
          modelState);
    }
  }

  /**
   * Records a learned-plan execution that ended before its result was read to the end (cancelled
   * at a timeout, or closed early by its client). Its time is a lower bound of its latency, so it
   * counts only when it already exceeds {@code severeFactor} times the stock median: then the
   * query falls back at once. Shorter incomplete runs say nothing and are ignored.
   *
   * @return true if this execution made the guard fall back to stock for the query
   */
  public boolean recordIncomplete(String fingerprint, String shape, PlanChoice choice,
      long planHash, double ms, Supplier<double[]> modelState) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(choice, "choice");
    checkMs(ms);
    if (choice.isStock() || !options.enabled()) {
      return false;
    }
    GuardEntry e = entry(fingerprint, shape);
    synchronized (e) {
      double slowest = e.slowestStockMs();
      if (e.stockRuns == 0 || planHash == e.stockPlan
          || !(ms > options.severeFactor() * slowest)) {
        return false;
      }
      addLearned(e, planHash, ms);
      return fallBack(e, ms, slowest, "an unfinished run", "slowest", modelState);
    }
  }

  /**
   * Records how long one preparation of a query took (parsing, planning and code generation),
   * whether it finished or was cancelled. Stock preparations (after the cold first one) form
   * the query's preparation baseline; a learned preparation beyond {@code severeFactor} times
   * its median (at least {@link #MIN_PREPARATION_MS}) is slow, and {@link #SLOW_PREPARATIONS}
   * slow ones in a row fall back (see the class notes).
   *
   * @param choice how the preparation was planned
   * @param ms its duration
   * @param modelState the model's per-scope adapter norms now (asked only on a fallback)
   * @return true if this preparation made the guard fall back to stock for the query
   * @throws IllegalArgumentException if {@code ms} is negative or not finite
   */
  public boolean recordPreparation(String fingerprint, String shape, PlanChoice choice,
      double ms, Supplier<double[]> modelState) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(choice, "choice");
    Objects.requireNonNull(modelState, "modelState");
    checkMs(ms);
    GuardEntry e = entry(fingerprint, shape);
    synchronized (e) {
      if (choice.isStock()) {
        if (e.stockPreparations > 0) {
          e.stockPreparation.add(ms); // the first one is cold
        }
        e.stockPreparations++;
        return false;
      }
      if (!options.enabled() || e.guarded || e.stockPreparation.size() == 0) {
        return false;
      }
      double stock = e.stockPreparation.median();
      if (!(ms > options.severeFactor() * Math.max(stock, MIN_PREPARATION_MS))) {
        e.slowPreparations = 0;
        return false;
      }
      if (++e.slowPreparations < SLOW_PREPARATIONS) {
        LOG.info("query {} took {} ms to prepare its learned plan against a stock median of {}"
            + " ms; {} more in a row fall back", e.fingerprint, fmt(ms), fmt(stock),
            SLOW_PREPARATIONS - e.slowPreparations);
        return false;
      }
      e.slowPreparations = 0;
      return fallBack(e, ms, stock, SLOW_PREPARATIONS + " preparations in a row",
          "preparation median", modelState);
    }
  }

  private static void checkMs(double ms) {
    if (!(ms >= 0) || Double.isInfinite(ms)) {
      throw new IllegalArgumentException("ms must be finite and >= 0, got " + ms);
    }
  }

  /** Adds a learned-plan latency; a plan other than the current learned one starts a new window. */
  private static void addLearned(GuardEntry e, long planHash, double ms) {
    if (planHash != e.learnedPlan) {
      e.learned.clear();
      e.learnedPlan = planHash;
    }
    e.learned.add(ms);
    e.learnedRuns++;
    e.lastLearnedMs = ms;
  }

  private boolean fallBack(GuardEntry e, double learnedMs, double stockMs, String basis,
      String stockBasis, Supplier<double[]> modelState) {
    e.guarded = true;
    e.guardState = modelState.get().clone();
    e.fallbacks++;
    fallbacks.increment();
    LOG.warn("query {} falls back to its stock plan: learned plan {} ms ({}) vs stock {} {}"
        + " ms (threshold {}x on medians, at once beyond {}x the slowest)", e.fingerprint,
        fmt(learnedMs), basis, stockBasis, fmt(stockMs), options.threshold(),
        options.severeFactor());
    return true;
  }

  private GuardEntry entry(String fingerprint, String shape) {
    GuardEntry e = entries.get(fingerprint);
    if (e != null) {
      return e;
    }
    if (entries.size() >= MAX_FINGERPRINTS) {
      evictOldest();
    }
    return entries.computeIfAbsent(fingerprint, f -> new GuardEntry(f, cut(shape), options.window()));
  }

  private void evictOldest() {
    entries.values().stream()
        .min(Comparator.comparingLong(x -> x.lastPlanned))
        .ifPresent(x -> entries.remove(x.fingerprint, x));
  }

  private static String cut(@Nullable String shape) {
    if (shape == null) {
      return "";
    }
    return shape.length() <= MAX_SHAPE ? shape : shape.substring(0, MAX_SHAPE);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }

  /**
   * Returns {@code |now - then| / |then|} (with {@code |then|} at least 1e-6), the measure of a
   * material change of the model.
   */
  static double relativeChange(double @Nullable [] then, double[] now) {
    if (then == null || then.length != now.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0;
    double base = 0;
    for (int i = 0; i < now.length; i++) {
      double d = now[i] - then[i];
      diff += d * d;
      base += then[i] * then[i];
    }
    return Math.sqrt(diff) / Math.max(Math.sqrt(base), 1e-6);
  }

  /** Returns the history of one fingerprint. */
  public Optional<QueryHistory> history(String fingerprint) {
    GuardEntry e = entries.get(fingerprint);
    return e == null ? Optional.empty() : Optional.of(e.snapshot());
  }

  /** Returns the history of every fingerprint, most planned first. */
  public List<QueryHistory> history() {
    List<QueryHistory> out = new ArrayList<>();
    for (GuardEntry e : entries.values()) {
      out.add(e.snapshot());
    }
    out.sort(Comparator.comparingLong(QueryHistory::planned).reversed()
        .thenComparing(QueryHistory::fingerprint));
    return out;
  }

  /**
   * Returns whether a query now plans with stock costs because its learned plan regressed; a
   * read that changes nothing (for connections that plan with the model but do not learn).
   */
  public boolean isGuarded(String fingerprint) {
    if (!options.enabled()) {
      return false;
    }
    GuardEntry e = entries.get(fingerprint);
    if (e == null) {
      return false;
    }
    synchronized (e) {
      return e.guarded;
    }
  }

  /** Forgets the history of one fingerprint; returns whether there was one. */
  public boolean forget(String fingerprint) {
    return entries.remove(fingerprint) != null;
  }

  /** The entries, for {@link GuardCodec}. */
  List<GuardEntry> entries() {
    return new ArrayList<>(entries.values());
  }

  /** Adds an entry read by {@link GuardCodec}. */
  void put(GuardEntry e) {
    entries.put(e.fingerprint, e);
  }

  /** Returns how many times the guard fell back to stock. */
  public long fallbacks() {
    return fallbacks.sum();
  }

  /** Returns how many fingerprints have a history. */
  public int fingerprintCount() {
    return entries.size();
  }

  /** Returns how many guarded queries tried their learned plan again. */
  public long retries() {
    return retries.sum();
  }

  /** Returns how many fingerprints are guarded now. */
  public int guardedCount() {
    int n = 0;
    for (GuardEntry e : entries.values()) {
      synchronized (e) {
        n += e.guarded ? 1 : 0;
      }
    }
    return n;
  }

}
