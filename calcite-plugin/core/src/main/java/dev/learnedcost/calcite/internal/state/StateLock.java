package dev.learnedcost.calcite.internal.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock that makes one runtime the only writer of a state file: an OS file lock on
 * {@code <state file>.lock} beside it, held from open to close. Two runtimes on one file would
 * overwrite each other's saves (the older state over the newer one); with the lock the second
 * one is refused at open, whether it is in this process or in another. The lock is released
 * when the runtime closes or its process dies; the {@code .lock} file itself stays (deleting it
 * would race with a process about to lock it).
 *
 * <p>Within one process the lock files held are also kept in a set, checked before any channel
 * is opened: closing a second channel on a locked file releases the process's OS lock on it
 * (POSIX record locks belong to the process; measured on Linux, JDK 17: after a refused
 * second attempt in the same process, another process could take the lock), so a refusal in
 * this process must never open one.
 *
 * <p>Where no lock can be taken for another reason than a holder (a read-only directory, a file
 * system without locks), the runtime still opens, without the protection, and says so once at
 * WARN.
 */
public final class StateLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateLock.class);

  /** The lock files this process holds (see the class notes). */
  private static final java.util.Set<Path> HELD =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final @Nullable FileChannel channel;
  private final @Nullable FileLock lock;
  private final @Nullable Path heldKey;

  private StateLock(@Nullable FileChannel channel, @Nullable FileLock lock,
      @Nullable Path heldKey) {
    this.channel = channel;
    this.lock = lock;
    this.heldKey = heldKey;
  }

  /** The lock file of a state file, its directory resolved when it exists. */
  private static Path lockFile(Path file) {
    Path lockFile = file.toAbsolutePath().normalize()
        .resolveSibling(file.getFileName() + ".lock");
    Path dir = lockFile.getParent();
    try {
      return dir == null ? lockFile : dir.toRealPath().resolve(lockFile.getFileName());
    } catch (IOException e) {
      return lockFile;
    }
  }

  private static IllegalStateException heldInThisProcess(Path file) {
    return new IllegalStateException("the learned state " + file + " is already open by another"
        + " runtime in this process; share that runtime (one runtime per state file), or"
        + " close it first");
  }

  /**
   * Locks the state file {@code file}.
   *
   * @throws IllegalStateException if another runtime (in this process or another) holds it
   */
  public static StateLock acquire(Path file) {
    Path lockFile = lockFile(file);
    if (!HELD.add(lockFile)) {
      throw heldInThisProcess(file);
    }
    try {
      return acquire(file, lockFile);
    } catch (RuntimeException | Error e) {
      HELD.remove(lockFile);
      throw e;
    }
  }

  private static StateLock acquire(Path file, Path lockFile) {
    FileChannel ch;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot create the lock file {} ({}); the state file {} is not protected against"
          + " a second writer", lockFile, e.getMessage(), file);
      HELD.remove(lockFile);
      return new StateLock(null, null, null);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // The same file under another name (a hard link) locked in this process; closing the
      // channel may release that lock, but keeping it open would leak it.
      closeQuietly(ch);
      throw heldInThisProcess(file);
    } catch (IOException e) {
      closeQuietly(ch);
      LOG.warn("cannot lock {} ({}); the state file {} is not protected against a second"
          + " writer", lockFile, e.getMessage(), file);
      HELD.remove(lockFile);
      return new StateLock(null, null, null);
    }
    if (lock == null) {
      closeQuietly(ch);
      throw new IllegalStateException("the learned state " + file + " is locked by another"
          + " process (" + lockFile + "); one runtime per state file");
    }
    return new StateLock(ch, lock, lockFile);
  }

  /**
   * Returns whether a runtime, in this process or another, holds the lock of the state file
   * {@code file} now. Creates nothing: without a lock file nobody holds it. False also when the
   * lock file cannot be opened for writing (nobody could have locked it then either).
   */
  public static boolean isHeld(Path file) {
    Path lockFile = lockFile(file);
    if (HELD.contains(lockFile)) {
      return true; // never open a channel on a file this process has locked
    }
    if (!java.nio.file.Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock probe = ch.tryLock();
      if (probe == null) {
        return true;
      }
      probe.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Returns whether the lock is held (false when it could not be taken, see the class notes). */
  public boolean held() {
    return lock != null && lock.isValid();
  }

  /** Releases the lock; closing twice does nothing. */
  @Override
  public synchronized void close() {
    if (channel != null && channel.isOpen()) {
      closeQuietly(channel); // releases the lock
      if (heldKey != null) {
        HELD.remove(heldKey);
      }
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      LOG.debug("closing a lock file failed", e);
    }
  }
}
