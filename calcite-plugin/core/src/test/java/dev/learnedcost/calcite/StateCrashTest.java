package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.learnedcost.calcite.internal.guard.GuardOptions;
import dev.learnedcost.calcite.internal.state.StateFile;
import dev.learnedcost.engine.OperatorScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learned state across processes that die: a child JVM learning with a save after every query,
 * killed (SIGKILL) at random points, always leaves a file that loads as a complete state holding
 * at least what it had reported saved; and the probe's stale-save sequence, run to a normal JVM
 * exit, leaves the newer state.
 */
class StateCrashTest {
  private static final long SEED = 20261205L;
  /** Kills in all: two chains of kills, each on its own file, run side by side. */
  private static final int KILLS = 32;
  private static final int CHAINS = 2;

  @TempDir Path dir;

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void childKilledAtRandomPointsWhileSavingAfterEveryQuery_fileAlwaysLoadsWhole()
      throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(CHAINS);
    try {
      List<java.util.concurrent.Future<Long>> chains = new ArrayList<>();
      for (int chain = 0; chain < CHAINS; chain++) {
        int id = chain;
        chains.add(pool.submit(() -> killChain(id, KILLS / CHAINS)));
      }
      for (java.util.concurrent.Future<Long> chain : chains) {
        assertThat(chain.get(380, TimeUnit.SECONDS)).as("the children learned and saved")
            .isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One chain of kills on one file; returns the scan observations the file ends with. */
  private long killChain(int chain, int kills) throws Exception {
    Path file = dir.resolve("learned-" + chain + ".lcfs");
    SplittableRandom rnd = new SplittableRandom(SEED + chain);
    long lastObservations = 0;
    for (int kill = 0; kill < kills; kill++) {
      String trial = "chain " + chain + " kill " + kill + " (seed " + (SEED + chain) + ")";
      Path err = dir.resolve("child-" + chain + "-" + kill + ".err");
      Process child = start(err, "save-every-query", file.toString(), "100000");
      long reported = -1;
      String last;
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        last = readLine(out, child, err, trial);
        while (!last.startsWith("start")) {
          assertThat(last).as(trial).doesNotStartWith("problem");
          last = readLine(out, child, err, trial);
        }
        long started = Long.parseLong(last.split(" ")[1]);
        assertThat(started).as("what the child loaded, %s", trial)
            .isGreaterThanOrEqualTo(lastObservations);
        int lines = rnd.nextInt(6);
        for (int k = 0; k < lines; k++) {
          last = readLine(out, child, err, trial);
          reported = Long.parseLong(last.split(" ")[2]);
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        child.destroyForcibly();
      }
      StateFile.Loaded loaded = StateFile.read(file, LoraRuntimeConfig.defaults(),
          GuardOptions.DEFAULTS);
      long observations = loaded.state().statistics()[OperatorScope.SeqScan.id()]
          .observations();
      assertThat(observations).as("scan observations in the file after %s, the child had"
          + " reported %d", trial, reported)
          .isGreaterThanOrEqualTo(Math.max(reported, lastObservations));
      lastObservations = observations;
    }
    // A runtime opening the file afterwards finds it whole and clears the killed saves' leftovers.
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThat(runtime.loadProblem()).isNull();
    }
    String name = file.getFileName().toString();
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("." + name + ".tmp-"))
          .noneMatch(n -> n.startsWith(name + ".damaged-"));
    }
    return lastObservations;
  }

  /**
   * Learn on a file, close the runtime under its open connection, reopen the file from a new
   * connection, learn more, close it, exit the JVM with the first connection still open: the
   * file holds the newer state. Repeated: the old hooks raced (the probe: 2 to 3 runs in 4 lost
   * the newer state).
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void staleSaveSequence_toANormalExit_newerStateWins() throws Exception {
    for (int run = 0; run < 4; run++) {
      Path file = dir.resolve("stale-" + run + ".lcfs");
      Path err = dir.resolve("stale-" + run + ".err");
      Process child = start(err, "stale-save", file.toString());
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as("child exit, stderr: %s", Files.readString(err))
          .isZero();
      StateFile.Loaded loaded = StateFile.read(file, LoraRuntimeConfig.defaults(),
          GuardOptions.DEFAULTS);
      assertThat(loaded.state().guard().history(
              dev.learnedcost.calcite.internal.guard.QueryFingerprint.of(TinyH2.QUERY))
          .orElseThrow().planned()).as("run %d: both sessions' executions", run).isEqualTo(6);
    }
  }

  private static String readLine(BufferedReader out, Process child, Path err, String trial)
      throws IOException, InterruptedException {
    String line = out.readLine();
    if (line == null) {
      child.waitFor(10, TimeUnit.SECONDS);
      fail("child ended early (" + trial + "): " + Files.readString(err));
    }
    return line;
  }

  private static Process start(Path err, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx256m");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ReliabilityChild.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }
}
