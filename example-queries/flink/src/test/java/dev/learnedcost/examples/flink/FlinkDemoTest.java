package dev.learnedcost.examples.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Flink demo end to end on tiny data (TPC-H at scale factor 0.001, two queries, one
 * round): one MiniCluster, the three modes, identical results, and the {@code --json} summary
 * with the Calcite demo's fields.
 */
class FlinkDemoTest {
  @TempDir
  Path dir;

  @Test
  void allModes_oneRound_sameResultsAndTheSummaryFields() throws Exception {
    Path queries = Files.createDirectories(dir.resolve("queries"));
    Files.writeString(queries.resolve("q_join.sql"), """
        SELECT n_name, COUNT(*) AS suppliers
        FROM supplier, nation
        WHERE s_nationkey = n_nationkey AND n_regionkey = 2
        GROUP BY n_name
        ORDER BY n_name""");
    Files.writeString(queries.resolve("q_filter.sql"), """
        SELECT COUNT(*) AS n, SUM(l_quantity) AS q FROM lineitem
        WHERE l_shipdate >= DATE '1995-01-01' AND l_discount > 0.05""");
    Path json = dir.resolve("demo.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FlinkDemo.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--engine", "flink", "--scale", "0.001", "--rounds", "1",
        "--queries", queries.toString(), "--work-dir", dir.resolve("data").toString(),
        "--json", json.toString(), "--no-progress", "--model", dir.resolve("m.lcfs").toString());

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("flink-analyze ms").contains("Summary");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    JsonNode summary = root.path("summary");
    for (String field : new String[] {"speedupVsStock", "regressions", "resultMismatches",
        "timeouts", "failures", "speedupVsBaseline"}) {
      assertThat(summary.has(field)).as(field + " in " + summary).isTrue();
    }
    assertThat(summary.path("resultMismatches").asInt(-1)).isZero();
    assertThat(summary.path("failures").asInt(-1)).isZero();
    assertThat(summary.path("timeouts").asInt(-1)).isZero();
    assertThat(root.path("rounds")).hasSize(1);
    JsonNode lastRound = root.path("rounds").get(0).path("queries");
    assertThat(lastRound).hasSize(6);
    assertThat(lastRound).extracting(q -> q.path("mode").asText()).containsOnly("flink",
        "flink-analyze", "flink-learned");
    assertThat(dir.resolve("m.lcfs")).exists();
  }
}
