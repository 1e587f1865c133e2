package dev.learnedcost.tests.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.learnedcost.tests.eval.Results.Drift;
import dev.learnedcost.tests.eval.Results.HeldOutQuery;
import dev.learnedcost.tests.eval.Results.ScopeQError;
import dev.learnedcost.tests.eval.Results.StreamQuery;
import dev.learnedcost.tests.eval.Results.SystemSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The evaluation's results: {@code evaluation.json} (everything) and a Markdown summary. */
public final class Report {
  /** The JSON file's name. */
  public static final String JSON = "evaluation.json";
  /** The Markdown file's name. */
  public static final String MARKDOWN = "evaluation.md";

  private final Map<String, Object> settings;
  private final Instant started;
  private final Instant finished;
  private final List<StreamQuery> stream;
  private final List<HeldOutQuery> heldOut;
  private final List<ScopeQError> qErrors;
  private final List<Drift> drifts;

  Report(Map<String, Object> settings, Instant started, Instant finished,
      List<StreamQuery> stream, List<HeldOutQuery> heldOut, List<ScopeQError> qErrors,
      List<Drift> drifts) {
    this.settings = settings;
    this.started = started;
    this.finished = finished;
    this.stream = stream;
    this.heldOut = heldOut;
    this.qErrors = qErrors;
    this.drifts = drifts;
  }

  /** Writes both files into {@code dir}. */
  void write(Path dir) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("environment", environment());
    json.put("settings", settings);
    json.put("started", started.toString());
    json.put("seconds", Duration.between(started, finished).toSeconds());
    json.put("heldOutSummary", Results.summarize(split("held-out")));
    json.put("heldOutBestCalcitePlan", Results.bestCalcitePlan(split("held-out")));
    json.put("leaveTemplatesOutSummary", Results.summarize(split("lto-")));
    json.put("drift", drifts);
    json.put("scopeQErrors", qErrors);
    json.put("heldOut", heldOut);
    json.put("stream", stream);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve(JSON).toFile(), json);
    Files.writeString(dir.resolve(MARKDOWN), markdown());
  }

  private List<HeldOutQuery> split(String prefix) {
    return heldOut.stream().filter(r -> r.split().startsWith(prefix)).toList();
  }

  static Map<String, Object> environment() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("cpu", cpuModel());
    return env;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: the CPU model is not known.
    }
    return "unknown";
  }

  /** Returns the Markdown summary. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    Map<String, Object> env = environment();
    md.append("## Evaluation run\n\n");
    md.append("- JDK: ").append(env.get("jdk")).append("; ").append(env.get("os"))
        .append("; ").append(env.get("cores")).append(" cores (").append(env.get("cpu"))
        .append(")\n");
    md.append("- Started ").append(started).append(", took ")
        .append(Duration.between(started, finished).toMinutes()).append(" min\n");
    md.append("- Settings: ").append(settings).append("\n\n");

    md.append("### Held-out parameter instances (templates seen in the stream)\n\n");
    md.append("Pooled over the orders: each query's latency is the median of its timed runs"
        + (drifts.isEmpty() ? ".\n\n" : ", on the data after the drift.\n\n"));
    summaryTable(md, Results.summarize(split("held-out")));
    bestPlanLine(md, Results.bestCalcitePlan(split("held-out")));
    perGroupTotals(md, split("held-out"), "order");

    md.append("\n### Leave-templates-out (trained on the other templates)\n\n");
    summaryTable(md, Results.summarize(split("lto-")));
    perGroupTotals(md, split("lto-"), "fold");

    md.append("\n### Row estimates: median q-error per scope on the held-out runs\n\n");
    md.append("Stock estimates (before learning) and the learner's (after), median over the"
        + " orders of each order's median.\n\n");
    md.append("| system | scope | observations | stock q-error | learned q-error |\n");
    md.append("|---|---|---:|---:|---:|\n");
    Map<String, List<ScopeQError>> byKey = new TreeMap<>();
    for (ScopeQError q : qErrors) {
      byKey.computeIfAbsent(q.system() + "\u0000" + q.scope(), k -> new ArrayList<>()).add(q);
    }
    for (List<ScopeQError> list : byKey.values()) {
      ScopeQError first = list.get(0);
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s |%n", first.system(),
          first.scope(), list.stream().mapToLong(ScopeQError::observations).sum(),
          num(Results.median(list.stream().mapToDouble(ScopeQError::stockQError).toArray())),
          num(Results.median(list.stream().mapToDouble(ScopeQError::learnedQError).toArray()))));
    }

    if (!drifts.isEmpty()) {
      driftSection(md);
    }
    streamSection(md);
    return md.toString();
  }

  private void driftSection(StringBuilder md) {
    md.append("\n### Drift: the data grows halfway through the stream\n\n");
    md.append("Row error = median per-query mean |ln(estimate/actual)|; recovered = queries until"
        + " the median of the next " + Evaluation.DRIFT_AFTER + " is within 25% (or 0.1) of the"
        + " level before; latency = total over stock's.\n\n");
    md.append("| order | system | row error before | first " + Evaluation.DRIFT_AFTER
        + " after | recovered after | latency before | first " + Evaluation.DRIFT_AFTER
        + " after | last " + Evaluation.DRIFT_BEFORE + " |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Drift d : drifts) {
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s |%n",
          d.order(), d.system(), num(d.before()), num(d.firstAfter()),
          d.recoveredAfter() < 0 ? "never" : String.valueOf(d.recoveredAfter()),
          ratio(d.latencyBefore()), ratio(d.latencyFirstAfter()), ratio(d.latencyEnd())));
    }
  }

  private void streamSection(StringBuilder md) {
    md.append("\n### The learning stream\n\n");
    md.append("Stock runs a stream query only around the change, at the end and once in "
        + Evaluation.STOCK_EVERY + " otherwise; the seconds are over the queries it ran.\n\n");
    md.append("| order | phase | queries | with stock | stock s | plugin s | node-features s"
        + " | scalar s | plugin learned plans | failures | mismatches |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, List<StreamQuery>> phases = stream.stream().collect(Collectors.groupingBy(
        r -> r.order() + "\u0000" + r.phase(), TreeMap::new, Collectors.toList()));
    for (List<StreamQuery> list : phases.values()) {
      StreamQuery first = list.get(0);
      List<StreamQuery> withStock = list.stream().filter(r -> !Double.isNaN(r.stockMs()))
          .toList();
      long failures = list.stream().filter(r -> !r.pluginStatus().equals("ok")
          || !r.nodeStatus().equals("ok") || !r.scalarStatus().equals("ok")
          || !(r.stockStatus().equals("ok") || r.stockStatus().equals("not run"))).count();
      md.append(String.format(Locale.ROOT,
          "| %d | %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %d |%n",
          first.order(), first.phase(), list.size(), withStock.size(),
          withStock.stream().mapToDouble(StreamQuery::stockMs).sum() / 1000,
          withStock.stream().mapToDouble(StreamQuery::pluginMs).sum() / 1000,
          withStock.stream().mapToDouble(StreamQuery::nodeMs).sum() / 1000,
          withStock.stream().mapToDouble(StreamQuery::scalarMs).sum() / 1000,
          list.stream().filter(r -> r.pluginPlan().equals("learned")).count(), failures,
          list.stream().filter(r -> r.mismatch() != null).count()));
    }
  }

  private static void summaryTable(StringBuilder md, List<SystemSummary> summaries) {
    md.append("| system | queries | total s | vs stock | p50 ms | p95 ms | p99 ms | > 1.2x stock"
        + " | > 2x stock | worst vs stock | planning ms (p50) | failures | wrong results |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (SystemSummary s : summaries) {
      md.append(String.format(Locale.ROOT,
          "| %s | %d | %.2f | %s | %.1f | %.1f | %.1f | %d | %d | %s | %s | %d | %d |%n",
          s.system(), s.queries(), s.totalMs() / 1000, ratio(s.totalVsStock()), s.p50Ms(),
          s.p95Ms(), s.p99Ms(), s.slower12(), s.slower2(),
          s.worstQuery() == null ? "-" : ratio(s.worstRatio()) + " (" + s.worstQuery() + ")",
          Double.isNaN(s.planningMedianMs()) ? "-" : String.format(Locale.ROOT, "%.1f",
              s.planningMedianMs()), s.failures(), s.mismatches()));
    }
  }

  private static void bestPlanLine(StringBuilder md, Results.BestPlanBound b) {
    if (b.queries() == 0) {
      return;
    }
    md.append(String.format(Locale.ROOT, "%nBest Calcite plan per query (the fastest of the"
        + " Calcite systems on each of %d queries): %.2f s, %s stock. No choice"
        + " among the plans these planners found goes below it.%n", b.queries(),
        b.totalMs() / 1000, ratio(b.vsStock())));
  }

  private static void perGroupTotals(StringBuilder md, List<HeldOutQuery> rows, String what) {
    Map<Integer, List<HeldOutQuery>> byOrder = rows.stream().collect(
        Collectors.groupingBy(HeldOutQuery::order, TreeMap::new, Collectors.toList()));
    md.append("\n| ").append(what).append(" |");
    for (EvalSystem s : EvalSystem.values()) {
      md.append(' ').append(s.label()).append(" s |");
    }
    md.append("\n|---:|");
    md.append("---:|".repeat(EvalSystem.values().length)).append('\n');
    for (Map.Entry<Integer, List<HeldOutQuery>> e : byOrder.entrySet()) {
      md.append("| ").append(e.getKey()).append(" |");
      double stock = total(e.getValue(), EvalSystem.STOCK);
      for (EvalSystem s : EvalSystem.values()) {
        double t = total(e.getValue(), s);
        md.append(String.format(Locale.ROOT, " %.2f (%s) |", t / 1000, ratio(t / stock)));
      }
      md.append('\n');
    }
  }

  private static double total(List<HeldOutQuery> rows, EvalSystem system) {
    return rows.stream().filter(r -> r.system().equals(system.label()))
        .mapToDouble(HeldOutQuery::medianMs).sum();
  }

  private static String ratio(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2fx", v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
