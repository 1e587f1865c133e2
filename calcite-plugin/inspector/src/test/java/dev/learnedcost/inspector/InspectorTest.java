package dev.learnedcost.inspector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.LoraStateFile;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.engine.OperatorScope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command of {@code lora-inspect} on a state file that a {@code jdbc:calcite-lora:}
 * connection learned, and every error path: one line on stderr, the documented exit code, the
 * file untouched.
 */
class InspectorTest {
  private static final String H2 = "jdbc:h2:mem:inspector;DB_CLOSE_DELAY=-1";
  static final String JOIN = "select count(*) from orders o join customer c"
      + " on o.cust = c.id where c.segment = 'RETAIL'";
  static final String SCAN = "select count(*) from orders where amount > 10";

  @TempDir static Path shared;
  static Path learned;

  @TempDir Path dir;

  /** Learns a state file through the URL driver, over a model file naming the schema factory. */
  @BeforeAll
  static void learn() throws Exception {
    try (Connection c = DriverManager.getConnection(H2, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("create table customer (id int primary key, segment varchar(10))");
      s.execute("create table orders (id int primary key, cust int, amount int)");
      s.execute("insert into customer select x, case when mod(x, 10) = 0 then 'RETAIL'"
          + " else 'OTHER' end from system_range(1, 200)");
      s.execute("insert into orders select x, mod(x, 200) + 1, mod(x, 50) from"
          + " system_range(1, 2000)");
    }
    Path model = Files.writeString(shared.resolve("model.json"), "{\"version\": \"1.0\","
        + " \"defaultSchema\": \"DB\", \"schemas\": [{\"name\": \"DB\", \"type\": \"custom\","
        + " \"factory\": \"dev.learnedcost.calcite.LoraJdbcSchemaFactory\", \"operand\":"
        + " {\"jdbcUrl\": \"" + H2 + "\", \"jdbcUser\": \"sa\", \"jdbcPassword\": \"\"}}]}");
    learned = shared.resolve("learned.lcfs");
    try (Connection c = DriverManager.getConnection("jdbc:calcite-lora:model=" + model
        + ";loraLearn=true;loraModel=" + learned + ";loraName=inspector-test")) {
      for (int i = 0; i < 3; i++) {
        for (String sql : List.of(JOIN, SCAN)) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
          }
        }
      }
    } // the last connection closes the runtime: it drains its learner and saves
    assertThat(learned).exists();
  }

  /** A copy of the learned file for one test. */
  private Path copy() throws Exception {
    return Files.copy(learned, dir.resolve("learned.lcfs"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** One run of the command line. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Inspector.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Asserts one line on stderr, no stack trace, nothing on stdout. */
  private static void assertOneLineError(Run r, int exit, String line) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.err()).isEqualTo(line + System.lineSeparator());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void show_printsFormatScopesAndQueries() throws Exception {
    Path file = copy();
    Run r = run("show", file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    LoraStateFile state = LoraStateFile.open(file);
    assertThat(r.out()).startsWith("learned state " + state.path() + " (")
        .contains("  format        version 3, embedding layout " + state.embeddingLayout())
        .contains("  model         dim 64, alpha 1.0, learning rate 1.0")
        .contains("  in use        no")
        .contains("queries: 2 in the guard's history, 0 held on their stock plan")
        .contains(LoraRuntime.fingerprint(JOIN)).contains(LoraRuntime.fingerprint(SCAN))
        .contains("SELECT COUNT ( * ) FROM ORDERS O JOIN CUSTOMER C ON O . CUST = C . ID WHERE"
            + " C . SEGMENT = ?");
    assertThat(r.out()).containsPattern("\\n  SeqScan +\\d");
    assertThat(r.out()).doesNotContain("  Rerank ");
    assertThat(run("show", "--all-scopes", file.toString()).out()).contains("  Rerank ");
  }

  @Test
  void export_writesEveryScopeAndQueryAsJson() throws Exception {
    Path file = copy();
    Run r = run("export", file.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    LoraStateFile state = LoraStateFile.open(file);
    assertThat(json.get("formatVersion").asInt()).isEqualTo(3);
    assertThat(json.get("dim").asInt()).isEqualTo(64);
    assertThat(json.get("inUse").asBoolean()).isFalse();
    assertThat(json.get("scopes")).hasSize(OperatorScope.COUNT);
    JsonNode seqScan = json.get("scopes").get(OperatorScope.SeqScan.id());
    LoraStateFile.ScopeState expected = state.scope(OperatorScope.SeqScan);
    assertThat(seqScan.get("scope").asText()).isEqualTo("SeqScan");
    assertThat(seqScan.get("observations").asLong())
        .isEqualTo(expected.stats().observations()).isPositive();
    assertThat(seqScan.get("adapterNorm").asDouble()).isEqualTo(expected.adapterNorm());
    JsonNode rerank = json.get("scopes").get(OperatorScope.Rerank.id());
    assertThat(rerank.get("stockRowError").isNull()).as("NaN is null").isTrue();
    assertThat(json.get("queries")).hasSize(2);
    QueryHistory join = state.query(LoraRuntime.fingerprint(JOIN)).orElseThrow();
    JsonNode q = json.get("queries").get(0).get("fingerprint").asText().equals(join.fingerprint())
        ? json.get("queries").get(0) : json.get("queries").get(1);
    assertThat(q.get("planned").asLong()).isEqualTo(3);
    assertThat(q.get("stockPlan").asText()).isEqualTo(String.format("%016x", join.stockPlan()));

    Path out = dir.resolve("state.json");
    Run toFile = run("export", file.toString(), "--output", out.toString());
    assertThat(toFile.exit()).isZero();
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo(r.out());
  }

  @Test
  void resetScope_savesTheFileWithTheScopeUntrained() throws Exception {
    Path file = copy();
    LoraStateFile before = LoraStateFile.open(file);
    assertThat(before.scope(OperatorScope.SeqScan).adapterNorm()).isPositive();
    Run r = run("reset-scope", file.toString(), "seqscan");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("reset SeqScan (adapter norm ")
        .contains("saved " + before.path() + " (format 3)");
    LoraStateFile after = LoraStateFile.open(file);
    assertThat(after.scope(OperatorScope.SeqScan).adapterNorm()).isZero();
    assertThat(after.scope(OperatorScope.SeqScan).stats().observations()).isZero();
    assertThat(after.queries()).isEqualTo(before.queries());
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .jmxEnabled(false).build())) {
      assertThat(runtime.loadProblem()).isNull();
    }
  }

  @Test
  void resetScope_unknownScope_isAUsageErrorListingTheScopes() throws Exception {
    Path file = copy();
    byte[] bytes = Files.readAllBytes(file);
    Run r = run("reset-scope", file.toString(), "HashJoins");
    assertThat(r.exit()).isEqualTo(Inspector.USAGE);
    assertThat(r.err()).startsWith("lora-inspect: unknown scope 'HashJoins'; the scopes are"
        + " SeqScan, IndexScan,").endsWith("(see: lora-inspect reset-scope --help)"
            + System.lineSeparator()).doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }

  @Test
  void forgetQuery_bySql_withOtherConstants_andByFingerprint() throws Exception {
    Path file = copy();
    Run bySql = run("forget-query", file.toString(), "--sql",
        JOIN.replace("'RETAIL'", "'OTHER'"));
    assertThat(bySql.exit()).as(bySql.err()).isZero();
    assertThat(bySql.out()).startsWith("forgot query " + LoraRuntime.fingerprint(JOIN)
        + " (planned 3 times, not held, 0 fallbacks): SELECT COUNT ( * ) FROM ORDERS O JOIN");
    assertThat(LoraStateFile.open(file).queries()).extracting(QueryHistory::fingerprint)
        .containsExactly(LoraRuntime.fingerprint(SCAN));

    Run byFingerprint = run("forget-query", file.toString(), "--fingerprint",
        LoraRuntime.fingerprint(SCAN).toUpperCase(java.util.Locale.ROOT));
    assertThat(byFingerprint.exit()).as(byFingerprint.err()).isZero();
    assertThat(LoraStateFile.open(file).queries()).isEmpty();
  }

  @Test
  void forgetQuery_unknownQuery_failsWithOneLine_andWritesNothing() throws Exception {
    Path file = copy();
    byte[] bytes = Files.readAllBytes(file);
    Run r = run("forget-query", file.toString(), "--sql", "select 1 from customer");
    assertOneLineError(r, Inspector.FAILED, "lora-inspect: " + LoraStateFile.open(file).path()
        + " has no query with fingerprint " + LoraRuntime.fingerprint("select 1 from customer")
        + " (of --sql); nothing was written ('show' lists the 2 queries it has)");
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);

    Run badFp = run("forget-query", file.toString(), "--fingerprint", "xyz");
    assertThat(badFp.exit()).isEqualTo(Inspector.USAGE);
    assertThat(badFp.err()).startsWith("lora-inspect: --fingerprint must be 16 hex digits, got"
        + " 'xyz'");
    Run both = run("forget-query", file.toString(), "--sql", "select 1", "--fingerprint",
        "0123456789abcdef");
    assertThat(both.exit()).isEqualTo(Inspector.USAGE);
    assertThat(both.err().lines()).hasSize(1);
  }

  @Test
  void missingFile_directoryAndNotAStateFile_giveOneLineAndExitOne() throws Exception {
    Path missing = dir.resolve("nope.lcfs");
    for (String command : List.of("show", "export", "reset-scope", "forget-query")) {
      List<String> args = new java.util.ArrayList<>(List.of(command, missing.toString()));
      if (command.equals("reset-scope")) {
        args.add("SeqScan");
      } else if (command.equals("forget-query")) {
        args.addAll(List.of("--sql", "select 1"));
      }
      assertOneLineError(run(args.toArray(String[]::new)), Inspector.FAILED,
          "lora-inspect: " + missing.toAbsolutePath() + ": no such file");
    }
    assertOneLineError(run("show", dir.toString()), Inspector.FAILED,
        "lora-inspect: learned state " + dir.toAbsolutePath() + ": is a directory, not a state"
            + " file");
    Path text = Files.writeString(dir.resolve("model.json"),
        "{\"version\": \"1.0\", \"defaultSchema\": \"DB\"}");
    Run r = run("show", text.toString());
    assertThat(r.exit()).isEqualTo(Inspector.FAILED);
    assertThat(r.err()).startsWith("lora-inspect: learned state " + text.toAbsolutePath()
        + ": wrong magic 0x7b227665").endsWith("(not a learned-state file)"
            + System.lineSeparator());
  }

  @Test
  void damagedFile_givesOneLine_andIsLeftAsItIs() throws Exception {
    Path file = copy();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 3] ^= 0x01;
    Files.write(file, bytes);
    for (String command : List.of("show", "export")) {
      Run r = run(command, file.toString());
      assertThat(r.exit()).isEqualTo(Inspector.FAILED);
      assertThat(r.err()).startsWith("lora-inspect: learned state " + file.toAbsolutePath()
          + ": checksum mismatch (stored 0x").endsWith("the file is damaged or was cut short"
              + System.lineSeparator());
      assertThat(r.err().lines()).hasSize(1);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(file.resolveSibling("learned.lcfs.lock")).doesNotExist();
  }

  @Test
  void edit_whileARuntimeHoldsTheFile_isRefused_showSaysInUse() throws Exception {
    Path file = copy();
    byte[] bytes = Files.readAllBytes(file);
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .jmxEnabled(false).build())) {
      assertThat(run("show", file.toString()).out())
          .contains("  in use        yes: a runtime holds learned.lcfs.lock");
      Run r = run("reset-scope", file.toString(), "SeqScan");
      assertOneLineError(r, Inspector.FAILED, "lora-inspect: learned state "
          + file.toAbsolutePath() + ": in use by a running runtime (learned.lcfs.lock is held);"
          + " nothing was written: close the runtime (or stop its process) first, or its next"
          + " save would overwrite the change");
      assertThat(run("forget-query", file.toString(), "--sql", JOIN).exit())
          .isEqualTo(Inspector.FAILED);
      assertThat(runtime.isClosed()).isFalse();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }

  @Test
  void noCommand_isAUsageError_andHelpWorks() {
    Run none = run();
    assertThat(none.exit()).isEqualTo(Inspector.USAGE);
    assertThat(none.err()).isEqualTo("lora-inspect: name a command: show, export, reset-scope or"
        + " forget-query (see: lora-inspect --help)" + System.lineSeparator());
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("show", "export", "reset-scope", "forget-query");
    assertThat(run("reset-scope", "--help").out()).contains("SeqScan, IndexScan");
  }

  @Test
  void sources_importNoInternalPackageOfCore() throws Exception {
    try (var files = Files.walk(Path.of("src", "main", "java"))) {
      List<Path> offenders = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> {
            try {
              return Files.readString(p).matches("(?s).*\\bimport\\s+(static\\s+)?dev\\.learnedcost\\.calcite\\.internal\\..*");
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).toList();
      assertThat(offenders).isEmpty();
    }
    assertThat(Path.of("src", "main", "java", "dev", "learnedcost", "inspector",
        "Inspector.java")).exists();
  }
}
