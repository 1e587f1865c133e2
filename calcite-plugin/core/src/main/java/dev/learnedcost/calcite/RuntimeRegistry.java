package dev.learnedcost.calcite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtimes of {@code jdbc:calcite-lora:} connections, by name, counted by their open
 * connections: the first connection of a name opens the runtime, the last one to close closes
 * it (so it drains and saves), and then nothing of it stays here.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>One monitor guards the map. Opening and closing a runtime (reading or saving its file,
 *       draining its learner) happen outside it: the entry is marked {@code OPENING} or
 *       {@code CLOSING} meanwhile, and whoever needs that name waits for it. So a connection of
 *       a name whose runtime is closing waits until the save is done and then opens the state
 *       again: it never reads a file that an older runtime is about to overwrite.</li>
 *   <li>A runtime closed under its connections ({@link #close(String)}, or a host that closed
 *       the runtime it got from {@link #runtime(String)}) is never used again: each connection
 *       moves to the name's current runtime at its next statement ({@link Lease#current()}),
 *       reopening the saved state if needed. None stays bound to a closed runtime.</li>
 * </ul>
 */
final class RuntimeRegistry {
  static final RuntimeRegistry INSTANCE = new RuntimeRegistry();
  private static final Logger LOG = LoggerFactory.getLogger(RuntimeRegistry.class);

  /** Opens a runtime for a name. */
  @FunctionalInterface
  interface Opener {
    LoraRuntime open() throws SQLException;
  }

  private enum State { OPENING, OPEN, CLOSING }

  /** A name's runtime and how many leases use it; guarded by the registry's monitor. */
  static final class Entry {
    final String name;
    final @Nullable Path file;
    final LoraRuntimeConfig requested;
    @Nullable LoraRuntime runtime;
    int users;
    State state = State.OPENING;

    Entry(String name, @Nullable Path file, LoraRuntimeConfig requested) {
      this.name = name;
      this.file = file;
      this.requested = requested;
    }
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /**
   * Returns a lease on the runtime of {@code name}, opening it with {@code opener} when no
   * connection uses it.
   *
   * @throws SQLException if the name is bound to another state file, another name has the
   *     file open, or opening fails
   */
  Lease acquire(String name, @Nullable Path file, LoraRuntimeConfig requested, Opener opener)
      throws SQLException {
    return new Lease(this, acquireEntry(name, file, requested, opener), opener);
  }

  private Entry acquireEntry(String name, @Nullable Path file, LoraRuntimeConfig requested,
      Opener opener) throws SQLException {
    Entry e = enter(name, file, requested);
    if (e.state == State.OPENING) {
      LoraRuntime runtime;
      try {
        runtime = opener.open();
      } catch (SQLException | RuntimeException | Error failure) {
        synchronized (this) {
          entries.remove(name, e);
          notifyAll();
        }
        throw failure;
      }
      synchronized (this) {
        e.runtime = runtime;
        e.state = State.OPEN;
        notifyAll();
      }
    }
    return e;
  }

  /** Finds or creates the entry of a name and counts one more user; waits out transitions. */
  private synchronized Entry enter(String name, @Nullable Path file,
      LoraRuntimeConfig requested) throws SQLException {
    while (true) {
      Entry e = entries.get(name);
      if (e == null) {
        checkFileNotOpenElsewhere(name, file);
        e = new Entry(name, file, requested);
        e.users = 1;
        entries.put(name, e);
        return e;
      }
      if (e.state == State.OPEN && e.runtime != null && e.runtime.isClosed()) {
        // The host closed the runtime it got from LoraDriver.runtime(name): start over.
        entries.remove(name);
        continue;
      }
      if (e.state != State.OPEN) {
        waitUninterruptibly();
        continue;
      }
      if (!Objects.equals(e.file, file)) {
        throw new SQLException(LoraDriver.NAME_PROPERTY + " '" + name + "' is open with "
            + describe(e.file) + ", this connection asks for " + describe(file)
            + "; use another " + LoraDriver.NAME_PROPERTY);
      }
      if (e.requested.saveEvery() != requested.saveEvery()) {
        LOG.warn("{} '{}' is open with {}={}; this connection's {}={} is ignored (the first"
            + " connection of a runtime sets it)", LoraDriver.NAME_PROPERTY, name,
            LoraDriver.SAVE_EVERY_PROPERTY, e.requested.saveEvery(),
            LoraDriver.SAVE_EVERY_PROPERTY, requested.saveEvery());
      }
      e.users++;
      return e;
    }
  }

  private void checkFileNotOpenElsewhere(String name, @Nullable Path file) throws SQLException {
    if (file == null) {
      return;
    }
    for (Entry other : entries.values()) {
      if (file.equals(other.file)) {
        throw new SQLException("the learned state " + file + " is already open as "
            + LoraDriver.NAME_PROPERTY + " '" + other.name + "' (one runtime per state file);"
            + " connect with " + LoraDriver.NAME_PROPERTY + "=" + other.name);
      }
    }
  }

  private static String describe(@Nullable Path file) {
    return file == null ? "no state file" : "state file " + file;
  }

  private void waitUninterruptibly() {
    try {
      wait();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a learned-cost runtime opened or"
          + " closed", ie);
    }
  }

  /** One user less; the last one closes the runtime. */
  void release(Entry e) {
    LoraRuntime toClose;
    synchronized (this) {
      if (entries.get(e.name) != e) {
        return; // closed already (forcibly); nothing to count
      }
      if (--e.users > 0) {
        return;
      }
      e.state = State.CLOSING;
      toClose = e.runtime;
    }
    closeAndRemove(e, toClose);
  }

  private void closeAndRemove(Entry e, @Nullable LoraRuntime runtime) {
    try {
      if (runtime != null) {
        runtime.close();
      }
    } finally {
      synchronized (this) {
        entries.remove(e.name, e);
        notifyAll();
      }
    }
  }

  /**
   * Closes the runtime of a name now, whatever its connections (they move to a new runtime of
   * the name at their next statement).
   *
   * @return whether there was one
   */
  boolean close(String name) {
    Entry e;
    LoraRuntime runtime;
    synchronized (this) {
      while (true) {
        e = entries.get(name);
        if (e == null) {
          return false;
        }
        if (e.state == State.OPEN) {
          break;
        }
        waitUninterruptibly();
      }
      e.state = State.CLOSING;
      runtime = e.runtime;
    }
    closeAndRemove(e, runtime);
    return true;
  }

  /** Returns the open runtime of a name. */
  synchronized Optional<LoraRuntime> runtime(String name) {
    Entry e = entries.get(name);
    return e == null || e.state != State.OPEN || e.runtime == null || e.runtime.isClosed()
        ? Optional.empty() : Optional.of(e.runtime);
  }

  /** Returns how many names have a runtime (tests: nothing stays that nobody uses). */
  synchronized int size() {
    return entries.size();
  }

  /**
   * One connection's use of a name's runtime. Resolves the current runtime at each statement,
   * so a runtime closed under the connection is replaced by the name's current one.
   */
  static final class Lease {
    private final RuntimeRegistry registry;
    private final Opener opener;
    private Entry entry;
    private boolean released;

    Lease(RuntimeRegistry registry, Entry entry, Opener opener) {
      this.registry = registry;
      this.entry = entry;
      this.opener = opener;
    }

    /**
     * Returns the runtime to plan the next statement with.
     *
     * @throws IllegalStateException if the connection was closed, or a new runtime cannot be
     *     opened (the message says why)
     */
    synchronized LoraRuntime current() {
      if (released) {
        throw new IllegalStateException("the connection is closed");
      }
      LoraRuntime r = entry.runtime;
      if (r != null && !r.isClosed()) {
        return r;
      }
      Entry old = entry;
      try {
        entry = registry.acquireEntry(old.name, old.file, old.requested, opener);
      } catch (SQLException e) {
        throw new IllegalStateException("the learned-cost runtime '" + old.name
            + "' was closed and cannot be opened again: " + e.getMessage(), e);
      }
      registry.release(old);
      LoraRuntime fresh = entry.runtime;
      return Objects.requireNonNull(fresh, "runtime");
    }

    /** Returns the entry's name. */
    String name() {
      return entry.name;
    }

    /** Ends the lease; releasing twice does nothing. */
    void release() {
      Entry e;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        e = entry;
      }
      registry.release(e);
    }
  }
}
