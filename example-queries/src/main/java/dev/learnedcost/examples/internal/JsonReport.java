package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --json} file:
 * <pre>{@code
 * {"rounds":[{"round":1,"queries":[{"name":"q03","dataset":"tpch","mode":"stock","status":"OK",
 *   "ms":12.3,"rows":10,"resultHash":"...","planChanged":false}]}],
 *  "summary":{"stockTotalMs":..,"learnedTotalMs":..,"h2TotalMs":..,"speedupVsStock":..,
 *   "regressions":..,"resultMismatches":0,...}}
 * }</pre>
 * {@code planChanged} is the query's (same value on each engine's entry; null when unknown);
 * {@code rows} and {@code resultHash} are null unless {@code status} is {@code OK}; NaN numbers
 * are written as null.
 */
public final class JsonReport {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** Returns the report as a JSON tree. */
  public static ObjectNode toJson(List<RoundResult> rounds, RunSummary summary,
      List<String> loadFailures) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode roundsNode = root.putArray("rounds");
    for (RoundResult round : rounds) {
      ObjectNode r = roundsNode.addObject();
      r.put("round", round.round());
      ArrayNode queries = r.putArray("queries");
      for (RoundResult.Row row : round.rows()) {
        for (Engine e : Engine.values()) {
          QueryRun run = row.run(e);
          if (run == null) {
            continue;
          }
          ObjectNode q = queries.addObject();
          q.put("name", row.query());
          q.put("dataset", row.dataset());
          q.put("mode", e.label());
          q.put("status", run.status().name());
          number(q, "ms", run.ms());
          if (run.ok()) {
            q.put("rows", run.rows());
            q.put("resultHash", run.resultHash());
          } else {
            q.putNull("rows");
            q.putNull("resultHash");
            q.put("error", run.error());
          }
          if (row.planChanged() == null) {
            q.putNull("planChanged");
          } else {
            q.put("planChanged", row.planChanged());
          }
          q.put("resultMatches", row.mismatches().stream().noneMatch(m -> m.engine() == e));
        }
      }
    }
    ObjectNode s = root.putObject("summary");
    number(s, "stockTotalMs", summary.stockTotalMs());
    number(s, "learnedTotalMs", summary.learnedTotalMs());
    number(s, "h2TotalMs", summary.h2TotalMs());
    number(s, "lastRoundStockMs", summary.lastRoundStockMs());
    number(s, "lastRoundLearnedMs", summary.lastRoundLearnedMs());
    number(s, "speedupVsStock", summary.speedupVsStock());
    s.put("regressions", summary.regressions());
    s.put("resultMismatches", summary.resultMismatches());
    s.put("timeouts", summary.timeouts());
    s.put("failures", summary.failures());
    ArrayNode unreadable = s.putArray("unreadableQueries");
    loadFailures.forEach(unreadable::add);
    return root;
  }

  /**
   * Writes the report to {@code file}, creating its parent directories.
   *
   * @throws IOException if writing fails
   */
  public static void write(Path file, List<RoundResult> rounds, RunSummary summary,
      List<String> loadFailures) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    MAPPER.writeValue(file.toFile(), toJson(rounds, summary, loadFailures));
  }

  private static void number(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, Math.round(value * 1000) / 1000.0);
    } else {
      node.putNull(field);
    }
  }
}
