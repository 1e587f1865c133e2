package dev.learnedcost.calcite.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StateLock}: a refused second lock and a probe in the holding process leave the OS lock
 * in place, so another process is still kept out. (Closing a second channel on a locked file
 * releases the process's POSIX lock; the refusal used to open and close one.)
 */
class StateLockTest {
  @TempDir Path dir;

  @Test
  void refusalAndProbeInTheHoldingProcess_keepOtherProcessesOut() throws Exception {
    Path file = dir.resolve("learned.lcfs");
    try (StateLock lock = StateLock.acquire(file)) {
      assertThat(lock.held()).isTrue();
      assertThatThrownBy(() -> StateLock.acquire(file)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is already open by another runtime in this process");
      assertThat(StateLock.isHeld(file)).isTrue();
      assertThat(otherProcessCanLock(dir.resolve("learned.lcfs.lock"))).isFalse();
    }
    assertThat(StateLock.isHeld(file)).isFalse();
    assertThat(otherProcessCanLock(dir.resolve("learned.lcfs.lock"))).isTrue();
    try (StateLock again = StateLock.acquire(file)) {
      assertThat(again.held()).isTrue();
    }
  }

  @Test
  void isHeld_withoutALockFile_createsNothing() {
    Path file = dir.resolve("never.lcfs");
    assertThat(StateLock.isHeld(file)).isFalse();
    assertThat(dir.resolve("never.lcfs.lock")).doesNotExist();
  }

  /** Runs a single-file Java program in a new JVM that tries the lock and prints the result. */
  private boolean otherProcessCanLock(Path lockFile) throws Exception {
    Path source = dir.resolve("TryLock.java");
    Files.writeString(source, "import java.nio.channels.FileChannel;\n"
        + "import java.nio.file.*;\n"
        + "public class TryLock {\n"
        + "  public static void main(String[] a) throws Exception {\n"
        + "    try (FileChannel ch = FileChannel.open(Path.of(a[0]),"
        + " StandardOpenOption.WRITE)) {\n"
        + "      System.out.print(ch.tryLock() != null);\n"
        + "    }\n"
        + "  }\n"
        + "}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, source.toString(), lockFile.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the lock probe process ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(out).as("probe output").isIn("true", "false");
    return Boolean.parseBoolean(out);
  }
}
