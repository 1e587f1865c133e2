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
 * <p>Where no lock can be taken for another reason than a holder (a read-only directory, a file
 * system without locks), the runtime still opens, without the protection, and says so once at
 * WARN.
 */
public final class StateLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateLock.class);

  private final @Nullable FileChannel channel;
  private final @Nullable FileLock lock;

  private StateLock(@Nullable FileChannel channel, @Nullable FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks the state file {@code file}.
   *
   * @throws IllegalStateException if another runtime (in this process or another) holds it
   */
  public static StateLock acquire(Path file) {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel ch;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot create the lock file {} ({}); the state file {} is not protected against"
          + " a second writer", lockFile, e.getMessage(), file);
      return new StateLock(null, null);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new IllegalStateException("the learned state " + file + " is already open by another"
          + " runtime in this process; share that runtime (one runtime per state file), or"
          + " close it first");
    } catch (IOException e) {
      closeQuietly(ch);
      LOG.warn("cannot lock {} ({}); the state file {} is not protected against a second"
          + " writer", lockFile, e.getMessage(), file);
      return new StateLock(null, null);
    }
    if (lock == null) {
      closeQuietly(ch);
      throw new IllegalStateException("the learned state " + file + " is locked by another"
          + " process (" + lockFile + "); one runtime per state file");
    }
    return new StateLock(ch, lock);
  }

  /** Returns whether the lock is held (false when it could not be taken, see the class notes). */
  public boolean held() {
    return lock != null && lock.isValid();
  }

  /** Releases the lock; closing twice does nothing. */
  @Override
  public void close() {
    if (channel != null) {
      closeQuietly(channel); // releases the lock
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
