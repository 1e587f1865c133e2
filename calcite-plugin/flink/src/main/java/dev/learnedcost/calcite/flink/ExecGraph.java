package dev.learnedcost.calcite.flink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The exec node graph of a compiled plan, read from its JSON ({@code CompiledPlan.asJsonString()}):
 * per node its id (the id in its operators' names), type, description and inputs in order.
 * Flink's own (shaded) Jackson reads it: it is on every Flink class path.
 */
final class ExecGraph {
  /** One exec node. */
  record Node(int id, String type, String description, List<Node> inputs) {
    boolean isExchange() {
      return type.startsWith("batch-exec-exchange");
    }

    boolean isSink() {
      return type.startsWith("batch-exec-sink");
    }
  }

  private final List<Node> roots;

  private ExecGraph(List<Node> roots) {
    this.roots = roots;
  }

  List<Node> roots() {
    return roots;
  }

  static ExecGraph parse(String json) {
    JsonNode plan;
    try {
      plan = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read the compiled plan's JSON", e);
    }
    Map<Integer, Node> nodes = new LinkedHashMap<>();
    for (JsonNode n : plan.path("nodes")) {
      int id = n.path("id").asInt(-1);
      nodes.put(id, new Node(id, n.path("type").asText(""), n.path("description").asText(""),
          new ArrayList<>()));
    }
    Map<Integer, Integer> consumers = new HashMap<>();
    // Edges are written per target in input order (left input before right).
    for (JsonNode e : plan.path("edges")) {
      Node source = nodes.get(e.path("source").asInt(-1));
      Node target = nodes.get(e.path("target").asInt(-1));
      if (source == null || target == null) {
        throw new IllegalStateException("compiled plan has an edge between unknown nodes: " + e);
      }
      target.inputs().add(source);
      consumers.merge(source.id(), 1, Integer::sum);
    }
    List<Node> roots = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (!consumers.containsKey(n.id())) {
        roots.add(n);
      }
    }
    if (nodes.isEmpty()) {
      throw new IllegalStateException("compiled plan has no nodes");
    }
    return new ExecGraph(List.copyOf(roots));
  }
}
