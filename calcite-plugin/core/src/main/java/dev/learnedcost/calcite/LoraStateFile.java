package dev.learnedcost.calcite;

import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.learn.ScopeStatistics;
import dev.learnedcost.calcite.internal.state.StateFile;
import dev.learnedcost.calcite.internal.state.StateLock;
import dev.learnedcost.engine.OperatorScope;
import dev.learnedcost.engine.ScopedLoRA;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A learned-state file opened by a tool, not by a runtime: read what a deployed model learned
 * (format, adapters, per-scope statistics, the regression guard's per-query history), reset
 * one scope or forget one query shape, and save the result crash-safely. The state file format
 * is described in the module README.
 *
 * <pre>{@code
 * LoraStateFile state = LoraStateFile.open(Path.of("/var/lib/db/learned.lcfs"));
 * state.scopes().forEach(System.out::println);
 * state.resetScope(OperatorScope.HashJoin);
 * state.forgetQuery(LoraRuntime.fingerprint("select ... where c_acctbal > 0"));
 * state.save();                     // refused while a runtime holds the file
 * }</pre>
 *
 * <p>Opening reads the whole file into memory and keeps nothing open; nothing is written until
 * {@link #save()}, which refuses when a runtime has the file open ({@code <file>.lock} is held,
 * in this process or another: the runtime would overwrite the edit with its next save) and when
 * the file changed since it was opened (a runtime saved it in between: saving would lose what it
 * learned). Not thread-safe: one tool, one thread.
 */
public final class LoraStateFile {
  private final Path path;
  private final StateFile.State state;
  private final int formatVersion;
  private final long sizeBytes;
  private Stamp stamp;
  private boolean modified;

  /**
   * The learned state of one operator scope.
   *
   * @param scope the scope
   * @param adapterNorm the Frobenius norm of the scope adapter's learned update (0: untrained)
   * @param stats its learning statistics ({@link ScopeStats}: observations, forwards,
   *     adaptations, row and cost errors, trajectories)
   */
  public record ScopeState(OperatorScope scope, double adapterNorm, ScopeStats stats) {
    /** Returns whether the scope learned anything or was observed. */
    public boolean isTrained() {
      return adapterNorm > 0 || stats.adaptations() > 0 || stats.observations() > 0;
    }
  }

  /** What identifies one version of the file on disk: an atomic save replaces the file. */
  private record Stamp(Object key, long modifiedMillis, long size) {}

  private LoraStateFile(Path path, StateFile.Loaded loaded, Stamp stamp) {
    this.path = path;
    this.state = loaded.state();
    this.formatVersion = loaded.version();
    this.stamp = stamp;
    this.sizeBytes = stamp.size();
  }

  /**
   * Opens a state file read-only: reads and checks all of it (magic, version, checksum, layout,
   * every part) and keeps it in memory.
   *
   * @throws IOException with one line naming the file and what is wrong: no such file, a
   *     directory, unreadable, not a state file, damaged (the failed check), of another
   *     embedding layout, or changed while it was read
   */
  public static LoraStateFile open(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Path p = file.toAbsolutePath().normalize();
    String where = "learned state " + p + ": ";
    if (Files.isDirectory(p)) {
      throw new IOException(where + "is a directory, not a state file");
    }
    if (!Files.exists(p)) {
      throw new NoSuchFileException(p.toString(), null, "no such file");
    }
    if (!Files.isReadable(p)) {
      throw new AccessDeniedException(p.toString(), null, "not readable (permission denied)");
    }
    Stamp before = stamp(p);
    StateFile.Loaded loaded;
    try {
      loaded = StateFile.readAsWritten(p);
    } catch (IOException e) {
      String m = e.getMessage();
      throw new IOException(m != null && m.startsWith("learned state ") ? m
          : where + "cannot be read: " + m, e);
    } catch (RuntimeException e) {
      throw new IOException(where + "damaged: " + e.getMessage(), e);
    }
    if (!before.equals(stamp(p))) {
      throw new IOException(where + "changed while it was read (a runtime saved it); open it"
          + " again");
    }
    return new LoraStateFile(p, loaded, before);
  }

  private static Stamp stamp(Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
    Object key = a.fileKey();
    return new Stamp(key == null ? "" : key, a.lastModifiedTime().toMillis(), a.size());
  }

  /** Returns the file's absolute path. */
  public Path path() {
    return path;
  }

  /** Returns the file's size when it was opened, in bytes. */
  public long sizeBytes() {
    return sizeBytes;
  }

  /** Returns the format version the file was written in (1 to 3; saving writes 3). */
  public int formatVersion() {
    return formatVersion;
  }

  /** Returns the format version {@link #save()} writes. */
  public static int currentFormatVersion() {
    return StateFile.VERSION;
  }

  /**
   * Returns the embedding layout the adapters were trained on (files of another layout than
   * this build's are refused by {@link #open}, so it is this build's).
   */
  public int embeddingLayout() {
    return CostEmbedding.LAYOUT_VERSION;
  }

  /** Returns whether the model was learned with the bias-only embedding (an ablation). */
  public boolean biasOnly() {
    return state.model().config().biasOnly();
  }

  /** Returns the adapters' embedding dimension. */
  public int dim() {
    return lora().dim();
  }

  /** Returns the adapters' scaling factor. */
  public float alpha() {
    return lora().alpha();
  }

  /** Returns the adapters' learning rate. */
  public float learningRate() {
    return lora().learningRate();
  }

  /** Returns the observations behind the cost calibration. */
  public long calibrationObservations() {
    return state.calibration().count();
  }

  /** Returns the calibration's milliseconds per stock cost unit (1 without observations). */
  public double msPerCostUnit() {
    return Math.exp(state.calibration().meanLogMsPerCost());
  }

  /** Returns the state of every scope, in scope id order. */
  public List<ScopeState> scopes() {
    List<ScopeState> out = new ArrayList<>(OperatorScope.COUNT);
    for (OperatorScope s : OperatorScope.values()) {
      out.add(scope(s));
    }
    return out;
  }

  /** Returns the state of one scope. */
  public ScopeState scope(OperatorScope scope) {
    Objects.requireNonNull(scope, "scope");
    ScopeStatistics statistics = state.statistics()[scope.id()];
    return new ScopeState(scope, lora().deltaNorm(scope), statistics.snapshot(scope, lora()));
  }

  /** Returns the regression guard's history of every query shape, most planned first. */
  public List<QueryHistory> queries() {
    return state.guard().history();
  }

  /** Returns the history of one query shape by its fingerprint. */
  public Optional<QueryHistory> query(String fingerprint) {
    return state.guard().history(Objects.requireNonNull(fingerprint, "fingerprint"));
  }

  /**
   * Returns whether a runtime, in this process or another, has the file open now (it holds
   * {@code <file>.lock}); {@link #save()} then refuses.
   */
  public boolean isInUse() {
    return StateLock.isHeld(path);
  }

  /**
   * Resets one scope, in memory: its adapter is cleared (the scope plans with stock estimates
   * until it learns again) and its statistics are forgotten. The adapter of the scope's
   * category, which only the category blend uses, is kept. Hash and merge joins take their
   * row correction from the HashJoin adapter: resetting MergeJoin leaves its rows learned.
   *
   * @return the scope's state before the reset
   */
  public ScopeState resetScope(OperatorScope scope) {
    ScopeState before = scope(scope);
    lora().resetScope(scope);
    state.statistics()[scope.id()].clear();
    modified = true;
    return before;
  }

  /**
   * Forgets the regression guard's history of one query shape, in memory: its next execution
   * starts a new stock baseline, and a query held on its stock plan may plan learned again.
   *
   * @param fingerprint the shape's fingerprint ({@link LoraRuntime#fingerprint(String)} of any
   *     of its SQL texts)
   * @return the history forgotten, or empty when the file has none for it
   */
  public Optional<QueryHistory> forgetQuery(String fingerprint) {
    Optional<QueryHistory> before = query(fingerprint);
    if (before.isPresent()) {
      state.guard().forget(fingerprint);
      modified = true;
    }
    return before;
  }

  /** Returns whether {@link #resetScope} or {@link #forgetQuery} changed anything unsaved. */
  public boolean isModified() {
    return modified;
  }

  /**
   * Writes the state back to the file, crash-safely (a temporary file beside it, forced to
   * disk, renamed over it: a crash leaves the old file or the new one), in the current format,
   * holding the file's lock meanwhile.
   *
   * @throws IllegalStateException if a runtime has the file open, or the file changed since it
   *     was opened (the message says which, and what to do)
   * @throws IOException if writing fails (the file is then intact)
   */
  public void save() throws IOException {
    try (StateLock lock = acquire()) {
      Stamp now;
      try {
        now = stamp(path);
      } catch (NoSuchFileException e) {
        now = null;
      }
      if (!stamp.equals(now)) {
        throw new IllegalStateException("learned state " + path + ": "
            + (now == null ? "was deleted" : "changed") + " since it was opened (a runtime"
            + " saved it); nothing was written: open it again and repeat the change");
      }
      StateFile.save(path, state);
      stamp = stamp(path);
      modified = false;
    }
  }

  private StateLock acquire() {
    try {
      return StateLock.acquire(path);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("learned state " + path + ": in use by a running runtime"
          + " (" + path.getFileName() + ".lock is held); nothing was written: close the runtime"
          + " (or stop its process) first, or its next save would overwrite the change", e);
    }
  }

  private ScopedLoRA lora() {
    return state.model().scopedLoRA();
  }

  @Override
  public String toString() {
    return "LoraStateFile{" + path + ", format " + formatVersion + ", " + queries().size()
        + " queries" + (modified ? ", modified" : "") + "}";
  }
}
