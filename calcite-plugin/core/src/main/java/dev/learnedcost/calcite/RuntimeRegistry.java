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
 * The runtimes of {@code jdbc:calcite-lora:} connections, one per state file (or, without one,
 * per name), counted by their open connections: the first connection opens the runtime, the last
 * one to close closes it (so it drains and saves), and then nothing of it stays here. Names are
 * aliases of a runtime ({@code loraName}; several names may share one state file's runtime, a
 * name belongs to one runtime at a time).
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

  /** A runtime and how many leases use it; guarded by the registry's monitor. */
  static final class Entry {
    /** {@code file:<path>} or {@code name:<name>}. */
    final String key;
    /** The name it was opened under (the first of its names). */
    final String name;
    final @Nullable Path file;
    final LoraRuntimeConfig requested;
    final java.util.Set<String> names = new java.util.HashSet<>();
    @Nullable LoraRuntime runtime;
    int users;
    State state = State.OPENING;

    Entry(String key, String name, @Nullable Path file, LoraRuntimeConfig requested) {
      this.key = key;
      this.name = name;
      this.file = file;
      this.requested = requested;
      names.add(name);
    }
  }

  /** By key. */
  private final Map<String, Entry> entries = new HashMap<>();
  /** Name to key, for every name of every entry. */
  private final Map<String, String> names = new HashMap<>();

  /**
   * Returns a lease on the runtime of {@code name}, opening it with {@code opener} when no
   * connection uses it.
   *
   * @throws SQLException if the name names the runtime of another state file, or opening
   *     fails
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
          remove(e);
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

  private static String keyOf(String name, @Nullable Path file) {
    return file != null ? "file:" + file : "name:" + name;
  }

  /** Removes an entry and its names; the caller holds the monitor. */
  private void remove(Entry e) {
    if (entries.remove(e.key, e)) {
      for (String n : e.names) {
        names.remove(n, e.key);
      }
    }
  }

  /** Finds or creates the entry of a name and counts one more user; waits out transitions. */
  private synchronized Entry enter(String name, @Nullable Path file,
      LoraRuntimeConfig requested) throws SQLException {
    String key = keyOf(name, file);
    while (true) {
      String named = names.get(name);
      if (named != null && !named.equals(key)) {
        Entry other = entries.get(named);
        throw new SQLException(LoraDriver.NAME_PROPERTY + " '" + name + "' names the runtime of "
            + describe(other == null ? null : other.file) + ", this connection asks for "
            + describe(file) + "; use another " + LoraDriver.NAME_PROPERTY);
      }
      Entry e = entries.get(key);
      if (e == null) {
        e = new Entry(key, name, file, requested);
        e.users = 1;
        entries.put(key, e);
        names.put(name, key);
        return e;
      }
      if (e.state == State.OPEN && e.runtime != null && e.runtime.isClosed()) {
        // The host closed the runtime it got from LoraDriver.runtime(name): start over.
        remove(e);
        continue;
      }
      if (e.state != State.OPEN) {
        waitUninterruptibly();
        continue;
      }
      if (e.requested.saveEvery() != requested.saveEvery()) {
        LOG.warn("the runtime of {} is open with {}={}; this connection's {}={} is ignored (the"
            + " first connection of a runtime sets it)", describe(file),
            LoraDriver.SAVE_EVERY_PROPERTY, e.requested.saveEvery(),
            LoraDriver.SAVE_EVERY_PROPERTY, requested.saveEvery());
      }
      if (e.names.add(name)) {
        names.put(name, key);
      }
      e.users++;
      return e;
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
      if (entries.get(e.key) != e) {
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
        remove(e);
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
        e = entryOf(name);
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

  private @Nullable Entry entryOf(String name) {
    String key = names.get(name);
    return key == null ? null : entries.get(key);
  }

  /** Returns the open runtime of a name. */
  synchronized Optional<LoraRuntime> runtime(String name) {
    Entry e = entryOf(name);
    return e == null || e.state != State.OPEN || e.runtime == null || e.runtime.isClosed()
        ? Optional.empty() : Optional.of(e.runtime);
  }

  /** Returns how many runtimes and names are held (tests: nothing stays that nobody uses). */
  synchronized int size() {
    return entries.size() + names.size();
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
