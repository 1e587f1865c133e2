package dev.learnedcost.tests.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lora-inspect.jar} as shipped, alone on a fresh JVM's class path: it reads a state file a
 * learning connection wrote, exports it as JSON, and reports a missing file in one line. The
 * inspector's own tests call it in-process, with the build's class path; only this test finds
 * what the shaded jar lacks (calcite-core, which calcite-plugin leaves to its host, is needed to
 * read a file's model).
 */
class InspectorJarTest {
  private static final String H2 = "jdbc:h2:mem:inspector-jar;DB_CLOSE_DELAY=-1";
  private static final String QUERY = "select count(*) from customer c join orders o"
      + " on c.id = o.cust where o.amount < 10";

  @TempDir static Path dir;
  private static Path learned;

  /** A process's exit code and output. */
  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void learn() throws Exception {
    try (Connection c = DriverManager.getConnection(H2, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("create table customer (id int primary key, segment varchar(10))");
      s.execute("create table orders (id int primary key, cust int, amount int)");
      s.execute("insert into customer select x, 'A' from system_range(1, 200)");
      s.execute("insert into orders select x, mod(x, 200) + 1, mod(x, 50)"
          + " from system_range(1, 2000)");
    }
    Path model = Files.writeString(dir.resolve("model.json"), "{\"version\": \"1.0\","
        + " \"defaultSchema\": \"DB\", \"schemas\": [{\"name\": \"DB\", \"type\": \"custom\","
        + " \"factory\": \"dev.learnedcost.calcite.LoraJdbcSchemaFactory\", \"operand\":"
        + " {\"jdbcUrl\": \"" + H2 + "\", \"jdbcUser\": \"sa\", \"jdbcPassword\": \"\"}}]}");
    learned = dir.resolve("learned.lcfs");
    try (Connection c = DriverManager.getConnection("jdbc:calcite-lora:model=" + model
        + ";loraLearn=true;loraModel=" + learned + ";loraName=inspector-jar-test")) {
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
          assertThat(rs.next()).isTrue();
        }
      }
    } // the last connection closes the runtime, which saves
    assertThat(learned).exists();
  }

  private static Run inspect(String... args) throws IOException, InterruptedException {
    String jar = System.getProperty("inspector.jar");
    assertThat(jar).as("system property inspector.jar (set by tests/pom.xml)").isNotNull();
    assertThat(Path.of(jar)).as("the shaded inspector jar; build with mvn install").exists();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("lora-inspect " + String.join(" ", args) + " ran over 120 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void show_readsTheFileALearningConnectionWrote() throws Exception {
    Run run = inspect("show", learned.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("format        version 3").contains("HashJoin")
        .contains("1 in the guard's history");
  }

  @Test
  void export_writesJsonWithTheTrainedScopesAndTheQuery() throws Exception {
    Run run = inspect("export", learned.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("formatVersion").asInt()).isEqualTo(3);
    List<String> trained = new ArrayList<>();
    json.get("scopes").forEach(s -> {
      if (s.get("trained").asBoolean()) {
        trained.add(s.get("scope").asText());
      }
    });
    assertThat(trained).contains("SeqScan", "HashJoin");
  }

  @Test
  void missingFile_oneLineOnStandardError_exitOne() throws Exception {
    Path missing = dir.resolve("missing.lcfs");
    Run run = inspect("show", missing.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip()).isEqualTo("lora-inspect: " + missing + ": no such file");
  }
}
