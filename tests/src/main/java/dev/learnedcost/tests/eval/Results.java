package dev.learnedcost.tests.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the evaluation measures, as records serialized to JSON, and the summaries of them. */
public final class Results {
  private Results() {}

  /**
   * One query of the learning stream, executed by stock Calcite, the plugin, the node-features
   * ablation and the scalar ablation.
   *
   * @param order 1-based seeded order
   * @param index 0-based position in the stream
   * @param phase {@code before-drift} or {@code after-drift}
   * @param pluginPlan how the plugin's guard planned it: {@code learned} or {@code stock}
   * @param pluginRowError mean {@code |ln(learned estimate / actual rows)|} over the plugin's
   *     profiled operators in this execution (the model as it was before learning from it)
   * @param nodeRowError the same for the node-features ablation
   * @param scalarRowError the same for the scalar baseline
   * @param stockRowError the same for the stock estimates of the plugin's operators
   * @param mismatch a result that differed from stock's, or null
   */
  public record StreamQuery(int order, int index, String phase, String template, String query,
      double stockMs, double pluginMs, double nodeMs, double scalarMs, String stockStatus,
      String pluginStatus, String nodeStatus, String scalarStatus, String pluginPlan,
      double pluginRowError, double nodeRowError, double scalarRowError, double stockRowError,
      String mismatch) {}

  /**
   * One held-out query on one system.
   *
   * @param split {@code held-out} (templates seen in the stream) or {@code lto-fold-N}
   *     (templates left out of fold N's training)
   * @param ms every timed execution; a timeout counts its time until cancelled
   * @param medianMs their median, the query's latency in the summaries
   * @param planningMs median time of {@code EXPLAIN PLAN FOR} (planning only); NaN for H2
   * @param status {@code ok}, or the first failure or timeout
   * @param mismatch the first difference from H2's result, or null
   */
  public record HeldOutQuery(String split, int order, String template, String query,
      String system, double[] ms, double medianMs, double planningMs, String status,
      String mismatch) {}

  /**
   * Latency summary of one system over a set of held-out queries.
   *
   * @param totalVsStock total latency over stock's on the same queries
   * @param slower12 queries whose latency is above 1.2x stock's
   * @param slower2 queries above 2x stock's
   * @param worstRatio the largest latency ratio to stock, and its query
   */
  public record SystemSummary(String system, int queries, double totalMs, double totalVsStock,
      double p50Ms, double p95Ms, double p99Ms, int slower12, int slower2, double worstRatio,
      String worstQuery, double planningMedianMs, int failures, int mismatches) {}

  /**
   * Median q-error ({@code max(est/actual, actual/est)}) of row estimates in one scope, over the
   * held-out executions of a learning system: stock estimates (before learning) and the learned
   * ones (after).
   */
  public record ScopeQError(String system, String scope, long observations, double stockQError,
      double learnedQError) {}

  /**
   * The drift phase of one order: halfway through the stream the data changed.
   *
   * @param before median per-query row error over the 30 queries before the change
   * @param firstAfter median over the 10 queries after it
   * @param recoveredAfter queries after the change until the median of the next 10 is back
   *     within 25% (or 0.1) of {@code before}; -1 if it never was
   * @param latencyBefore total latency over stock's, 30 queries before the change
   * @param latencyFirstAfter the same over the 10 queries after it
   * @param latencyEnd the same over the stream's last 30 queries
   */
  public record Drift(int order, String system, int changeAt, double before, double firstAfter,
      int recoveredAfter, double latencyBefore, double latencyFirstAfter, double latencyEnd) {}

  /** Summarizes every system present in {@code rows} against stock on the same queries. */
  public static List<SystemSummary> summarize(List<HeldOutQuery> rows) {
    Map<EvalSystem, List<HeldOutQuery>> bySystem = new EnumMap<>(EvalSystem.class);
    for (HeldOutQuery r : rows) {
      bySystem.computeIfAbsent(system(r.system()), k -> new ArrayList<>()).add(r);
    }
    Map<String, Double> stockMs = new java.util.HashMap<>();
    for (HeldOutQuery r : bySystem.getOrDefault(EvalSystem.STOCK, List.of())) {
      stockMs.put(key(r), r.medianMs());
    }
    double stockTotal = stockMs.values().stream().mapToDouble(Double::doubleValue).sum();
    List<SystemSummary> out = new ArrayList<>();
    for (Map.Entry<EvalSystem, List<HeldOutQuery>> e : bySystem.entrySet()) {
      List<HeldOutQuery> list = e.getValue();
      double[] ms = list.stream().mapToDouble(HeldOutQuery::medianMs).toArray();
      double total = Arrays.stream(ms).sum();
      int slower12 = 0;
      int slower2 = 0;
      double worst = Double.NaN;
      String worstQuery = null;
      for (HeldOutQuery r : list) {
        Double stock = stockMs.get(key(r));
        if (stock == null || !(stock > 0)) {
          continue;
        }
        double ratio = r.medianMs() / stock;
        slower12 += ratio > 1.2 ? 1 : 0;
        slower2 += ratio > 2 ? 1 : 0;
        if (!(ratio <= worst)) {
          worst = ratio;
          worstQuery = r.split() + "/" + r.order() + "/" + r.query();
        }
      }
      double[] planning = list.stream().mapToDouble(HeldOutQuery::planningMs)
          .filter(v -> !Double.isNaN(v)).toArray();
      int failures = (int) list.stream().filter(r -> !r.status().equals("ok")).count();
      int mismatches = (int) list.stream().filter(r -> r.mismatch() != null).count();
      out.add(new SystemSummary(e.getKey().label(), list.size(), total,
          stockTotal > 0 ? total / stockTotal : Double.NaN, percentile(ms, 50),
          percentile(ms, 95), percentile(ms, 99), slower12, slower2, worst, worstQuery,
          planning.length == 0 ? Double.NaN : percentile(planning, 50), failures, mismatches));
    }
    return out;
  }

  /**
   * The best Calcite plan per query: for every held-out query that all four Calcite systems ran
   * without failure, the lowest of their latencies. Its total over stock's bounds what choosing
   * among the plans those planners found could reach (a better plan that none of them picked is
   * not counted, so it is an estimate of the reachable, not a proof of the best).
   *
   * @param queries queries counted (those every Calcite system ran successfully)
   * @param totalMs the sum of the per-query minima
   * @param stockMs stock's total over the same queries
   * @param vsStock {@code totalMs / stockMs}
   */
  public record BestPlanBound(int queries, double totalMs, double stockMs, double vsStock) {}

  /** Computes the {@link BestPlanBound} of {@code rows}. */
  public static BestPlanBound bestCalcitePlan(List<HeldOutQuery> rows) {
    Map<String, Map<EvalSystem, Double>> byQuery = new java.util.LinkedHashMap<>();
    for (HeldOutQuery r : rows) {
      EvalSystem s = system(r.system());
      if (s != EvalSystem.H2 && r.status().equals("ok")) {
        byQuery.computeIfAbsent(key(r), k -> new EnumMap<>(EvalSystem.class))
            .put(s, r.medianMs());
      }
    }
    int calciteSystems = EvalSystem.values().length - 1;
    int n = 0;
    double best = 0;
    double stock = 0;
    for (Map<EvalSystem, Double> ms : byQuery.values()) {
      if (ms.size() == calciteSystems) {
        n++;
        best += ms.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        stock += ms.get(EvalSystem.STOCK);
      }
    }
    return new BestPlanBound(n, best, stock, stock > 0 ? best / stock : Double.NaN);
  }

  private static String key(HeldOutQuery r) {
    return r.split() + "/" + r.order() + "/" + r.query();
  }

  private static EvalSystem system(String label) {
    for (EvalSystem s : EvalSystem.values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown system " + label);
  }

  /** Nearest-rank percentile of {@code values} (not modified); NaN when empty. */
  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The median of the finite values of {@code values}; NaN if there are none. */
  public static double median(double[] values) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
    if (finite.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(finite);
    int n = finite.length;
    return n % 2 == 1 ? finite[n / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
  }
}
