package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad arguments end the demo before any database opens: a message naming them, exit code 2. */
class DemoArgumentsTest {
  private static final int USAGE_ERROR = CommandLine.ExitCode.USAGE;

  /** Exit code and captured output of one execution. */
  record Execution(int exitCode, String out, String err) {}

  static Execution execute(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Demo.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Execution(code, out.toString(), err.toString());
  }

  private static void assertUsageError(Execution e, String... fragments) {
    assertEquals(USAGE_ERROR, e.exitCode(), () -> "exit code; err: " + e.err());
    for (String f : fragments) {
      assertTrue(e.err().contains(f), () -> "stderr should contain '" + f + "': " + e.err());
    }
    assertTrue(e.out().isEmpty(), () -> "nothing should run: " + e.out());
  }

  @Test
  void execute_unknownMode_namesValueAndAcceptedModes() {
    assertUsageError(execute("--mode", "fast"), "--mode", "fast", "LEARNED");
  }

  @Test
  void execute_tpcdsScaleBelowMinimum_namesOptionRuleAndValue() {
    assertUsageError(execute("--dataset", "tpcds", "--scale", "0.0001"),
        "--scale: scaleFactor must be in [0.001, 100], got 1.0E-4");
  }

  @Test
  void execute_zeroRounds_saysAtLeastOne() {
    assertUsageError(execute("--rounds", "0"), "--rounds must be at least 1, got 0");
  }

  @Test
  void execute_nonNumericRounds_namesOption() {
    assertUsageError(execute("--rounds", "three"), "--rounds", "three");
  }

  @Test
  void execute_zeroTimeout_saysAtLeastOneSecond() {
    assertUsageError(execute("--timeout", "0"), "--timeout must be at least 1 second, got 0");
  }

  @Test
  void execute_scaleOutOfRange_saysRange() {
    assertUsageError(execute("--scale", "0"), "--scale must be in (0, 100], got 0.0");
  }

  @Test
  void execute_missingQueriesDirectory_namesItAsMissing(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-dir");
    assertUsageError(execute("--queries", missing.toString()), missing.toString(), "(missing)");
  }

  @Test
  void execute_queriesIsAFile_namesItAsNotADirectory(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("q.sql"), "SELECT 1");
    assertUsageError(execute("--queries", file.toString()), file.toString(),
        "(not a directory)");
  }

  @Test
  void execute_queriesDirectoryWithoutSqlFiles_saysSo(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "SELECT 1");
    assertUsageError(execute("--queries", dir.toString(), "--mode", "h2"),
        "holds no *.sql file");
  }

  @Test
  void execute_queriesWithBothDatasets_asksForOne(@TempDir Path dir) {
    assertUsageError(execute("--queries", dir.toString(), "--dataset", "both"),
        "--queries needs a single data set");
  }

  @Test
  void execute_help_printsOptionsAndExitsZero() {
    Execution e = execute("--help");
    assertEquals(0, e.exitCode());
    for (String option : new String[] {"--mode", "--rounds", "--dataset", "--scale", "--model",
        "--queries", "--json", "--report", "--seed", "--timeout", "--work-dir"}) {
      assertTrue(e.out().contains(option), () -> "help should list " + option + ": " + e.out());
    }
  }
}
