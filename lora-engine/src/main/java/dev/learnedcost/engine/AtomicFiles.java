package dev.learnedcost.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash-safe file replacement, used by the snapshots of this module and by callers that keep
 * state of their own next to them.
 */
public final class AtomicFiles {
  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicLong TEMP_COUNTER = new AtomicLong();

  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to {@code target} so that a crash at any point leaves either the old
   * file or the complete new one: a uniquely named temporary file in the same directory, forced
   * to the device, renamed atomically over the target, then the directory forced. The temporary
   * file is deleted when any step fails.
   *
   * @throws IOException if a step fails (the old file, if any, is then intact)
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    Path abs = Checks.notNull("path", target).toAbsolutePath();
    Checks.notNull("bytes", bytes);
    Path dir = abs.getParent();
    Path tmp = dir.resolve(
        "." + abs.getFileName() + ".tmp-" + PID + "-" + TEMP_COUNTER.incrementAndGet());
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(
          tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      forceDirectory(dir);
    } catch (IOException | RuntimeException | Error e) {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /** Makes the rename durable where the platform allows opening a directory (not Windows). */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms refuse to open or sync a directory; the rename itself is still atomic.
    }
  }
}
