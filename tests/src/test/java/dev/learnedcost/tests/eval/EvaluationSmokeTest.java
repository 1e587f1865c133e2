package dev.learnedcost.tests.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the evaluation end to end at a tiny size, so that the runner cannot rot between full
 * runs: every phase runs, every system returns H2's rows, both files are written.
 */
class EvaluationSmokeTest {

  @Test
  void tinyRun_writesEveryTable_andNoSystemReturnsWrongRows(@TempDir Path out) throws Exception {
    int status = new CommandLine(new Evaluation()).execute(
        "--out", out.toString(), "--data", "target/eval-smoke-data", "--stream", "20",
        "--orders", "1", "--held-out", "1", "--repeats", "1", "--lto-stream", "6",
        "--size", "0.01", "--drift-size", "0.02");

    assertThat(status).isZero();
    JsonNode json = new ObjectMapper().readTree(out.resolve(Report.JSON).toFile());
    assertThat(json.get("stream")).hasSize(20);
    assertThat(json.get("drift")).hasSize(3);
    List<String> systems = new ArrayList<>();
    json.get("heldOutSummary").forEach(s -> systems.add(s.get("system").asText()));
    assertThat(systems).containsExactly("stock", "true-rows", "scalar", "node-features", "plugin",
        "h2");
    json.get("heldOutSummary").forEach(s -> {
      assertThat(s.get("queries").asInt()).as(s.get("system").asText()).isEqualTo(8);
      assertThat(s.get("mismatches").asInt()).as(s.get("system").asText()).isZero();
      assertThat(s.get("failures").asInt()).as(s.get("system").asText()).isZero();
    });
    json.get("stream").forEach(q -> assertThat(q.get("mismatch").isNull())
        .as(q.get("query").asText()).isTrue());
    assertThat(json.get("leaveTemplatesOutSummary")).hasSize(6);
    assertThat(json.get("scopeQErrors").size()).isPositive();
    String md = Files.readString(out.resolve(Report.MARKDOWN));
    assertThat(md).contains("### Held-out parameter instances", "### Leave-templates-out",
        "### Row estimates", "### Drift", "### The learning stream");
  }
}
