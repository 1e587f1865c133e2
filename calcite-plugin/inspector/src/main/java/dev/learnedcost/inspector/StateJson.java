package dev.learnedcost.inspector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.learnedcost.calcite.LoraStateFile;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.calcite.ScopeStats;
import java.io.IOException;

/**
 * The JSON view of a state file ({@code export}): every field {@code show} prints, for every
 * scope and query. NaN (no value yet) is {@code null}; plan hashes are 16 hex digits (a long
 * does not fit a JSON reader's double).
 */
final class StateJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private StateJson() {}

  static String render(LoraStateFile s) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("file", s.path().toString());
    root.put("sizeBytes", s.sizeBytes());
    root.put("formatVersion", s.formatVersion());
    root.put("currentFormatVersion", LoraStateFile.currentFormatVersion());
    root.put("embeddingLayout", s.embeddingLayout());
    root.put("dim", s.dim());
    put(root, "alpha", s.alpha());
    put(root, "learningRate", s.learningRate());
    root.put("biasOnly", s.biasOnly());
    root.put("inUse", s.isInUse());
    ObjectNode calibration = root.putObject("calibration");
    calibration.put("observations", s.calibrationObservations());
    put(calibration, "msPerCostUnit", s.msPerCostUnit());

    ArrayNode scopes = root.putArray("scopes");
    for (LoraStateFile.ScopeState sc : s.scopes()) {
      ScopeStats st = sc.stats();
      ObjectNode n = scopes.addObject();
      n.put("scope", sc.scope().displayName());
      n.put("trained", sc.isTrained());
      put(n, "adapterNorm", sc.adapterNorm());
      n.put("adaptations", st.adaptations());
      n.put("forwards", st.forwards());
      n.put("observations", st.observations());
      put(n, "stockRowError", st.stockRowError());
      put(n, "learnedRowError", st.learnedRowError());
      put(n, "medianStockRowError", st.medianStockRowError());
      put(n, "medianLearnedRowError", st.medianLearnedRowError());
      put(n, "stockCostError", st.stockCostError());
      put(n, "learnedCostError", st.learnedCostError());
      n.put("trajectories", st.trajectories());
      put(n, "meanImprovement", st.meanImprovement());
      put(n, "successRate", st.successRate());
    }

    ArrayNode queries = root.putArray("queries");
    for (QueryHistory q : s.queries()) {
      ObjectNode n = queries.addObject();
      n.put("fingerprint", q.fingerprint());
      n.put("shape", q.shape());
      n.put("planned", q.planned());
      n.put("stockRuns", q.stockRuns());
      n.put("learnedRuns", q.learnedRuns());
      put(n, "stockMedianMs", q.stockMedianMs());
      put(n, "learnedMedianMs", q.learnedMedianMs());
      put(n, "lastStockMs", q.lastStockMs());
      put(n, "lastLearnedMs", q.lastLearnedMs());
      put(n, "learnedOverStock", q.learnedOverStock());
      n.put("stockPlan", String.format("%016x", q.stockPlan()));
      n.put("learnedPlan", String.format("%016x", q.learnedPlan()));
      n.put("planChanged", q.planChanged());
      n.put("guarded", q.guarded());
      n.put("fallbacks", q.fallbacks());
    }
    return MAPPER.writeValueAsString(root) + "\n";
  }

  private static void put(ObjectNode n, String field, double v) {
    if (Double.isFinite(v)) {
      n.put(field, v);
    } else {
      n.putNull(field);
    }
  }
}
