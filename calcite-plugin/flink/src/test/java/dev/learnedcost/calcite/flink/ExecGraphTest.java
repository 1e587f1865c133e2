package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading a compiled plan's exec graph, including the edge Flink 2.3 writes wrongly. */
class ExecGraphTest {
  private static String node(int id, String type, String description) {
    return "{\"id\":" + id + ",\"type\":\"" + type + "\",\"description\":\"" + description
        + "\"}";
  }

  private static String edge(int source, int target) {
    return "{\"source\":" + source + ",\"target\":" + target + "}";
  }

  @Test
  void parse_joinOfTwoExchanges_keepsInputOrder() {
    ExecGraph g = ExecGraph.parse("{\"nodes\":[" + node(1, "batch-exec-table-source-scan_1", "a")
        + "," + node(2, "batch-exec-table-source-scan_1", "b") + ","
        + node(3, "batch-exec-exchange_1", "xa") + "," + node(4, "batch-exec-exchange_1", "xb")
        + "," + node(5, "batch-exec-join_1", "j") + "],\"edges\":[" + edge(1, 3) + ","
        + edge(2, 4) + "," + edge(3, 5) + "," + edge(4, 5) + "]}");
    assertThat(g.roots()).hasSize(1);
    ExecGraph.Node join = g.roots().get(0);
    assertThat(join.inputs()).extracting(ExecGraph.Node::description).containsExactly("xa", "xb");
  }

  /**
   * TPC-H Q7's shape: a reused exchange (3) feeds a join directly and, through an exchange a
   * processor added (6, no physical counterpart), another join. Flink writes 6's input edge as
   * a second copy of 3's input edge; the graph gets 3 as 6's input.
   */
  @Test
  void parse_reusedExchangeBehindAnAddedExchange_repairsTheMisplacedEdge() {
    ExecGraph g = ExecGraph.parse("{\"nodes\":["
        + node(1, "batch-exec-table-source-scan_1", "nation") + ","
        + node(2, "batch-exec-calc_1", "calc") + ","
        + node(3, "batch-exec-exchange_1", "Exchange(hash)") + ","
        + node(4, "batch-exec-table-source-scan_1", "other") + ","
        + node(5, "batch-exec-join_1", "inner join") + ","
        + node(6, "batch-exec-exchange_1", "Exchange(hash, shuffle_mode=[BATCH])") + ","
        + node(7, "batch-exec-join_1", "outer join") + "],\"edges\":["
        + edge(1, 2) + "," + edge(2, 3) + "," + edge(4, 5) + "," + edge(3, 5) + ","
        + edge(2, 3) + "," + edge(5, 7) + "," + edge(6, 7) + "]}");
    assertThat(g.roots()).extracting(ExecGraph.Node::id).containsExactly(7);
    ExecGraph.Node outer = g.roots().get(0);
    ExecGraph.Node added = outer.inputs().get(1);
    assertThat(added.id()).isEqualTo(6);
    assertThat(added.inputs()).extracting(ExecGraph.Node::id).containsExactly(3);
    assertThat(added.inputs().get(0).inputs()).extracting(ExecGraph.Node::id)
        .containsExactly(2);
    assertThat(outer.inputs().get(0).inputs()).extracting(ExecGraph.Node::id)
        .containsExactly(4, 3);
  }
}
