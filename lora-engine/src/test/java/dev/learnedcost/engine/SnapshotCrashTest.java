package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
 * A process killed while saving leaves a file that loads as the old or the new model: a child JVM
 * saves models A and B alternately to one path and is killed (SIGKILL) at random points, before,
 * during and between saves.
 */
class SnapshotCrashTest {
  private static final long SEED = 20261125L;
  private static final int KILLS = 50;
  private static final int DIM = 64;
  private static final long SEED_A = 11;
  private static final long SEED_B = 12;
  /** The child stops by itself after this many saves, should the parent fail to kill it. */
  private static final int MAX_SAVES = 10_000;

  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void save_killedAtRandomPoints_alwaysLeavesTheOldOrTheNewModel() throws Exception {
    byte[] a = SnapshotModels.scoped(DIM, SEED_A).toSnapshot();
    byte[] b = SnapshotModels.scoped(DIM, SEED_B).toSnapshot();
    assertThat(a).isNotEqualTo(b);
    Path file = dir.resolve("model.lora");
    SplittableRandom rnd = new SplittableRandom(SEED);
    int loadedA = 0;
    int loadedB = 0;
    int killedInsideSave = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      // Lines after the first completed save: even = right after "start" of a save, odd =
      // right after its "done"; the kill lands a little later, wherever the child then is.
      int extraLines = rnd.nextInt(12);
      Path err = dir.resolve("child-" + kill + ".err");
      Process child = startChild(file, err);
      String last = null;
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        last = readUntil(out, "done 0", child, err);
        for (int k = 0; k < extraLines; k++) {
          last = out.readLine();
          if (last == null) {
            fail("child exited early (seed " + SEED + ", kill " + kill + "): "
                + Files.readString(err));
          }
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exits after the kill").isTrue();
      } finally {
        child.destroyForcibly();
      }
      if (last.startsWith("start")) {
        killedInsideSave++;
      }
      byte[] loaded = ScopedLoRA.load(file).toSnapshot();
      if (java.util.Arrays.equals(loaded, a)) {
        loadedA++;
      } else if (java.util.Arrays.equals(loaded, b)) {
        loadedB++;
      } else {
        fail("after kill " + kill + " (seed " + SEED + ", last line '" + last
            + "') the file loads as neither A nor B");
      }
    }
    assertThat(loadedA + loadedB).isEqualTo(KILLS);
    assertThat(loadedA).as("kills that left A").isPositive();
    assertThat(loadedB).as("kills that left B").isPositive();
    assertThat(killedInsideSave).as("kills right after a save started").isPositive();
  }

  private Process startChild(Path file, Path err) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx64m");
    // The same kernel as this JVM, so that the child's A and B are bit-identical to ours.
    if (Vectorization.vectorModulePresent()) {
      cmd.add("--add-modules");
      cmd.add("jdk.incubator.vector");
    }
    String kernel = System.getProperty(Vectorization.KERNEL_PROPERTY);
    if (kernel != null) {
      cmd.add("-D" + Vectorization.KERNEL_PROPERTY + "=" + kernel);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SnapshotSaveChild.class.getName());
    cmd.add(file.toString());
    cmd.add(Integer.toString(DIM));
    cmd.add(Long.toString(SEED_A));
    cmd.add(Long.toString(SEED_B));
    cmd.add(Integer.toString(MAX_SAVES));
    return new ProcessBuilder(cmd).redirectError(err.toFile()).start();
  }

  private static String readUntil(BufferedReader out, String wanted, Process child, Path err)
      throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals(wanted)) {
        return line;
      }
    }
    try {
      child.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("child ended before '" + wanted + "': " + Files.readString(err));
  }
}
