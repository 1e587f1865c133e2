package dev.learnedcost.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays fixtures recorded from the reference package {@code @ruvector/learning-wasm} 0.1.29:
 * every file under {@code src/test/resources/conformance/} and every file named in the system
 * property {@code conformance.fixtures} (comma-separated paths; a missing or unreadable one fails).
 * Each case starts from a fresh object; every mismatch is reported with case, op index, field,
 * expected and actual. Float tolerance: {@code |e - a| <= 1e-5 + 1e-4 * |e|}.
 */
class ReferenceConformanceTest {
  static final double ABS_TOLERANCE = 1e-5;
  static final double REL_TOLERANCE = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> bundledFixtures() throws IOException, URISyntaxException {
    URL dir = getClass().getResource("/conformance");
    if (dir == null) {
      fail("no conformance fixtures on the test classpath (src/test/resources/conformance/)");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(Paths.get(dir.toURI()))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertTrue(!files.isEmpty(), "src/test/resources/conformance/ holds no .json fixture");
    return files.stream().flatMap(ReferenceConformanceTest::casesOf);
  }

  @TestFactory
  Stream<DynamicTest> fixturesFromSystemProperty() {
    String prop = System.getProperty("conformance.fixtures", "").trim();
    if (prop.isEmpty()) {
      return Stream.empty();
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : prop.split(",")) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      Path p = Paths.get(trimmed);
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        tests.add(DynamicTest.dynamicTest(trimmed, () -> fail(
            "conformance.fixtures names " + p.toAbsolutePath()
                + ", which is missing or unreadable")));
      } else {
        casesOf(p).forEach(tests::add);
      }
    }
    return tests.stream();
  }

  private static Stream<DynamicTest> casesOf(Path file) {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = JSON.readTree(in);
    } catch (IOException e) {
      return Stream.of(DynamicTest.dynamicTest(file.getFileName().toString(),
          () -> fail("cannot read fixture " + file + ": " + e)));
    }
    JsonNode cases = root.get("cases");
    if (cases == null || !cases.isArray() || cases.isEmpty()) {
      return Stream.of(DynamicTest.dynamicTest(file.getFileName().toString(),
          () -> fail("fixture " + file + " has no \"cases\" array")));
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      String label = file.getFileName() + " / " + c.path("name").asText("?");
      tests.add(DynamicTest.dynamicTest(label, () -> new Replay(label, c).run()));
    }
    return tests.stream();
  }

  /** Replays one case and collects every mismatch. */
  static final class Replay {
    private final String label;
    private final JsonNode c;
    private final List<String> mismatches = new ArrayList<>();
    private int opIndex;

    Replay(String label, JsonNode c) {
      this.label = label;
      this.c = c;
    }

    void run() {
      String kind = c.path("kind").asText();
      switch (kind) {
        case "micro" -> replayMicro();
        case "scoped" -> replayScoped();
        case "trajectory" -> replayTrajectory();
        default -> fail(label + ": unknown case kind '" + kind + "'");
      }
      if (!mismatches.isEmpty()) {
        int shown = Math.min(mismatches.size(), 25);
        fail(label + ": " + mismatches.size() + " mismatch(es)\n  "
            + String.join("\n  ", mismatches.subList(0, shown))
            + (shown < mismatches.size() ? "\n  ..." : ""));
      }
    }

    private void replayMicro() {
      MicroLoRA m = new MicroLoRA(c.get("dim").asInt(), f(c.get("alpha")),
          f(c.get("learning_rate")));
      JsonNode ops = c.get("ops");
      for (opIndex = 0; opIndex < ops.size(); opIndex++) {
        JsonNode op = ops.get(opIndex);
        String name = op.get("op").asText();
        switch (name) {
          case "dim" -> exact("dim", op.get("expect").asLong(), m.dim());
          case "param_count" -> exact("param_count", op.get("expect").asLong(), m.paramCount());
          case "forward_array" -> vector("output", op.get("expect"), m.forwardArray(vec(op.get("input"))));
          case "forward_buffer" -> {
            load(m.inputBuffer(), op.get("input"));
            m.forward();
            vector("output", op.get("expect"), m.outputBuffer());
          }
          case "adapt_array" -> m.adaptArray(vec(op.get("gradient")));
          case "adapt_buffer" -> {
            load(m.inputBuffer(), op.get("input"));
            m.adapt();
          }
          case "adapt_with_reward_buffer" -> {
            load(m.inputBuffer(), op.get("input"));
            m.adaptWithReward(f(op.get("improvement")));
          }
          case "stats" -> {
            exact("forward_count", op.get("forward_count").asLong(), m.forwardCount());
            exact("adapt_count", op.get("adapt_count").asLong(), m.adaptCount());
            close("delta_norm", op.get("delta_norm").asDouble(), m.deltaNorm());
          }
          case "reset" -> m.reset();
          default -> mismatches.add(where("op") + " unknown op '" + name + "'");
        }
      }
    }

    private void replayScoped() {
      ScopedLoRA s = new ScopedLoRA(c.get("dim").asInt(), f(c.get("alpha")),
          f(c.get("learning_rate")));
      JsonNode ops = c.get("ops");
      for (opIndex = 0; opIndex < ops.size(); opIndex++) {
        JsonNode op = ops.get(opIndex);
        String name = op.get("op").asText();
        int opType = op.path("op_type").asInt(-1);
        switch (name) {
          case "forward_array" -> vector("output", op.get("expect"),
              s.forwardArray(opType, vec(op.get("input"))));
          case "forward_buffer" -> {
            load(s.inputBuffer(), op.get("input"));
            s.forward(opType);
            vector("output", op.get("expect"), s.outputBuffer());
          }
          case "adapt_array" -> s.adaptArray(opType, vec(op.get("gradient")));
          case "adapt_buffer" -> {
            load(s.inputBuffer(), op.get("input"));
            s.adapt(opType);
          }
          case "adapt_with_reward_buffer" -> {
            load(s.inputBuffer(), op.get("input"));
            s.adaptWithReward(opType, f(op.get("improvement")));
          }
          case "stats" -> {
            exact("forward_count", op.get("forward_count").asLong(), s.forwardCount(opType));
            exact("adapt_count", op.get("adapt_count").asLong(), s.adaptCount(opType));
            close("delta_norm", op.get("delta_norm").asDouble(), s.deltaNorm(opType));
            exact("total_forward_count", op.get("total_forward_count").asLong(),
                s.totalForwardCount());
            exact("total_adapt_count", op.get("total_adapt_count").asLong(),
                s.totalAdaptCount());
          }
          case "set_category_fallback" -> s.setCategoryFallback(op.get("enabled").asBoolean());
          case "reset_scope" -> s.resetScope(opType);
          case "reset_all" -> s.resetAll();
          default -> mismatches.add(where("op") + " unknown op '" + name + "'");
        }
      }
    }

    private void replayTrajectory() {
      TrajectoryBuffer t = new TrajectoryBuffer(c.get("capacity").asInt(),
          c.get("embedding_dim").asInt());
      JsonNode ops = c.get("ops");
      for (opIndex = 0; opIndex < ops.size(); opIndex++) {
        JsonNode op = ops.get(opIndex);
        String name = op.get("op").asText();
        switch (name) {
          case "record" -> t.record(vec(op.get("embedding")), op.get("op_type").asInt(),
              op.get("attention_type").asInt(), f(op.get("execution_ms")),
              f(op.get("baseline_ms")));
          case "stats" -> {
            exact("total_count", op.get("total_count").asLong(), t.totalCount());
            exact("len", op.get("len").asLong(), t.size());
            exact("is_empty", op.get("is_empty").asBoolean() ? 1 : 0, t.isEmpty() ? 1 : 0);
            close("mean_improvement", op.get("mean_improvement").asDouble(), t.meanImprovement());
            close("best_improvement", op.get("best_improvement").asDouble(), t.bestImprovement());
            close("success_rate", op.get("success_rate").asDouble(), t.successRate());
            exact("best_attention", op.get("best_attention").asLong(), t.bestAttention());
            close("variance", op.get("variance").asDouble(), t.variance());
            exact("high_quality_count", op.get("high_quality_count").asLong(),
                t.highQualityCount(f(op.get("threshold"))));
            exact("count_by_operator", op.get("count_by_operator").asLong(),
                t.countByOperator(op.get("op_type").asInt()));
          }
          case "reset" -> t.reset();
          default -> mismatches.add(where("op") + " unknown op '" + name + "'");
        }
      }
    }

    private String where(String field) {
      return "op #" + opIndex + " (" + c.get("ops").get(opIndex).get("op").asText() + ") "
          + field + ":";
    }

    private void exact(String field, long expected, long actual) {
      if (expected != actual) {
        mismatches.add(where(field) + " expected " + expected + ", actual " + actual);
      }
    }

    private void close(String field, double expected, double actual) {
      if (!withinTolerance(expected, actual)) {
        mismatches.add(where(field) + " expected " + expected + ", actual " + actual);
      }
    }

    private void vector(String field, JsonNode expected, float[] actual) {
      if (expected.size() != actual.length) {
        mismatches.add(where(field + ".length") + " expected " + expected.size() + ", actual "
            + actual.length);
        return;
      }
      for (int i = 0; i < actual.length; i++) {
        double e = expected.get(i).asDouble();
        if (!withinTolerance(e, actual[i])) {
          mismatches.add(where(field + "[" + i + "]") + " expected " + e + ", actual " + actual[i]);
        }
      }
    }
  }

  static boolean withinTolerance(double expected, double actual) {
    return Math.abs(expected - actual) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(expected);
  }

  static float f(JsonNode n) {
    return (float) n.asDouble();
  }

  static float[] vec(JsonNode n) {
    float[] v = new float[n.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) n.get(i).asDouble();
    }
    return v;
  }

  static void load(float[] buffer, JsonNode n) {
    float[] v = vec(n);
    if (v.length != buffer.length) {
      fail("fixture input length " + v.length + " does not match buffer length " + buffer.length);
    }
    System.arraycopy(v, 0, buffer, 0, v.length);
  }
}
