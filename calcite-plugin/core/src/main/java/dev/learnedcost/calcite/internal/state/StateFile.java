package dev.learnedcost.calcite.internal.state;

import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.guard.GuardCodec;
import dev.learnedcost.calcite.internal.guard.GuardOptions;
import dev.learnedcost.calcite.internal.guard.RegressionGuard;
import dev.learnedcost.calcite.internal.learn.CostCalibration;
import dev.learnedcost.calcite.internal.learn.ScopeStatistics;
import dev.learnedcost.calcite.internal.learn.StatisticsCodec;
import dev.learnedcost.calcite.internal.learn.Trainer;
import dev.learnedcost.engine.AtomicFiles;
import dev.learnedcost.engine.ScopedLoRA;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one file format of a runtime's learned state: the model's adapters, the cost calibration,
 * the regression guard's per-query history and the per-scope statistics, with the embedding
 * layout they were learned on and a checksum over everything. Read and written by every path
 * (the runtime, the URL driver, the demo, the evaluation).
 *
 * <h2>Format (version 3, big-endian)</h2>
 * <pre>
 * int    magic 0x4C434653 ("LCFS")
 * int    format version (3; versions 1 and 2 are read too, see below)
 * int    CostEmbedding.LAYOUT_VERSION the adapters were trained on
 * int    flags: bit 0 = biasOnly                                     (version 3)
 * int    length n of the adapter snapshot, then n bytes: lora-engine's snapshot (own checksum)
 * long   calibration observations; double calibration ln(ms per cost unit)
 * ...    the guard's history (GuardCodec; preparation times from version 2)
 * ...    the per-scope statistics (StatisticsCodec)                  (version 3)
 * int    CRC32C of every byte before it
 * </pre>
 * Versions 1 and 2 load without statistics (they start empty) and as learned with
 * {@code biasOnly} off.
 *
 * <h2>Safety</h2>
 * Written crash-safely ({@link AtomicFiles#write}: a temporary file in the same directory,
 * forced, renamed atomically over the old one), so a crash leaves the old file or the new one.
 * On load, every check has its own message naming the file: length, magic (an adapter snapshot
 * of the old {@code loraModel=} format is named as such), version, checksum, layout, flags, then
 * the parts. A file that fails a check is moved aside ({@code <name>.damaged-<millis>}), never
 * overwritten, and the runtime starts on stock estimates.
 */
public final class StateFile {
  static final int MAGIC = 0x4C434653;
  /** The format written now. */
  public static final int VERSION = 3;
  /** lora-engine's snapshot magic ("LORA"): a bare adapter file of the old format. */
  private static final int ADAPTER_SNAPSHOT_MAGIC = 0x4C4F5241;
  private static final int FLAG_BIAS_ONLY = 1;
  private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);

  private StateFile() {}

  /** Everything a runtime keeps in the file. */
  public record State(LearnedModel model, CostCalibration calibration, RegressionGuard guard,
      ScopeStatistics[] statistics) {
    /** Validates. */
    public State {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(calibration, "calibration");
      Objects.requireNonNull(guard, "guard");
      Objects.requireNonNull(statistics, "statistics");
    }
  }

  /**
   * What {@link #load} found.
   *
   * @param state the state: the file's, or a fresh one when there was no usable file
   * @param problem why the file could not be used (and where it was kept), or null
   * @param version the format version of the file read, 0 when none was
   */
  public record Loaded(State state, @Nullable String problem, int version) {}

  /** Returns an untrained state for a configuration. */
  public static State fresh(LoraRuntimeConfig config, GuardOptions guard) {
    return new State(LearnedModel.untrained(config), new CostCalibration(),
        new RegressionGuard(guard), Trainer.newStatistics());
  }

  /** Returns the file's bytes in the current format. */
  public static byte[] encode(State s) throws IOException {
    ByteArrayOutputStream adapters = new ByteArrayOutputStream();
    s.model().scopedLoRA().writeTo(adapters);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(adapters.size() + 8192);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(CostEmbedding.LAYOUT_VERSION);
    out.writeInt(s.model().config().biasOnly() ? FLAG_BIAS_ONLY : 0);
    out.writeInt(adapters.size());
    adapters.writeTo(out);
    out.writeLong(s.calibration().count());
    out.writeDouble(s.calibration().meanLogMsPerCost());
    GuardCodec.write(s.guard(), out);
    StatisticsCodec.write(s.statistics(), out);
    out.flush();
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * Writes the state crash-safely.
   *
   * @throws IOException if writing fails (the previous file is then intact)
   */
  public static void save(Path file, State s) throws IOException {
    byte[] bytes = encode(s);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(file, bytes);
  }

  /**
   * Reads the state in {@code file}, strictly.
   *
   * @param config the runtime's configuration: dimension, alpha and learning rate come from
   *     the file; the rest (guardrails) from the configuration
   * @param guardOptions the guard's settings
   * @throws IOException naming the file and the failed check
   */
  public static Loaded read(Path file, LoraRuntimeConfig config, GuardOptions guardOptions)
      throws IOException {
    byte[] b = Files.readAllBytes(file);
    String where = "learned state " + file + ": ";
    if (b.length < 24) {
      throw new IOException(where + "truncated: " + b.length
          + " bytes is shorter than the 24-byte minimum");
    }
    ByteBuffer head = ByteBuffer.wrap(b);
    int magic = head.getInt();
    if (magic == ADAPTER_SNAPSHOT_MAGIC) {
      throw new IOException(where + "this is a bare adapter snapshot (the loraModel format of"
          + " releases before the runtime, without calibration, history or layout check),"
          + " which is no longer read; the runtime learns again from scratch");
    }
    if (magic != MAGIC) {
      throw new IOException(where + "wrong magic 0x" + Integer.toHexString(magic)
          + ", expected 0x" + Integer.toHexString(MAGIC) + " (not a learned-state file)");
    }
    int version = head.getInt();
    if (version < 1 || version > VERSION) {
      throw new IOException(where + "unsupported format version " + version + ", this build"
          + " reads versions 1 to " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    int stored = ByteBuffer.wrap(b, b.length - 4, 4).getInt();
    if (stored != (int) crc.getValue()) {
      throw new IOException(where + "checksum mismatch (stored 0x" + Integer.toHexString(stored)
          + ", computed 0x" + Integer.toHexString((int) crc.getValue())
          + "): the file is damaged or was cut short");
    }
    int layout = head.getInt();
    if (layout != CostEmbedding.LAYOUT_VERSION) {
      throw new IOException(where + "adapters were trained on embedding layout " + layout
          + ", this build uses layout " + CostEmbedding.LAYOUT_VERSION);
    }
    int offset = 12;
    boolean biasOnly = false;
    if (version >= 3) {
      int flags = head.getInt();
      if ((flags & ~FLAG_BIAS_ONLY) != 0) {
        throw new IOException(where + "unknown flags 0x" + Integer.toHexString(flags));
      }
      biasOnly = (flags & FLAG_BIAS_ONLY) != 0;
      offset = 16;
    }
    if (biasOnly != config.biasOnly()) {
      throw new IOException(where + "learned with biasOnly=" + biasOnly
          + ", the runtime is configured with biasOnly=" + config.biasOnly());
    }
    DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(b, offset, b.length - 4 - offset));
    try {
      int n = in.readInt();
      if (n < 0 || n > b.length) {
        throw new IOException(where + "adapter length must be in 0.." + b.length + ", got " + n);
      }
      byte[] adapterBytes = in.readNBytes(n);
      if (adapterBytes.length != n) {
        throw new IOException(where + "truncated inside the adapters");
      }
      ScopedLoRA lora;
      try {
        lora = ScopedLoRA.readFrom(new ByteArrayInputStream(adapterBytes));
      } catch (IOException e) {
        throw new IOException(where + "adapters: " + e.getMessage(), e);
      }
      LoraRuntimeConfig merged = config.toBuilder()
          .dim(lora.dim()).alpha(lora.alpha()).learningRate(lora.learningRate()).build();
      LearnedModel model = new LearnedModel(lora, merged);
      CostCalibration calibration;
      try {
        calibration = new CostCalibration(in.readLong(), in.readDouble());
      } catch (IllegalArgumentException e) {
        throw new IOException(where + "calibration: " + e.getMessage(), e);
      }
      RegressionGuard guard;
      ScopeStatistics[] statistics;
      try {
        guard = GuardCodec.read(in, guardOptions, version >= 2 ? 2 : 1);
        statistics = version >= 3 ? StatisticsCodec.read(in) : Trainer.newStatistics();
      } catch (EOFException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException(where + e.getMessage(), e);
      }
      if (in.available() != 0) {
        throw new IOException(where + in.available() + " unexpected bytes after the content");
      }
      return new Loaded(new State(model, calibration, guard, statistics), null, version);
    } catch (EOFException e) {
      throw new IOException(where + "truncated: the content ends early", e);
    }
  }

  /**
   * Reads a state file as it was written, for tools that inspect or edit it: with the
   * {@code biasOnly} setting its flags record (where {@link #read} compares them with a
   * runtime's) and the guard's latency windows at their largest (64), so that writing it back
   * keeps every value. Strict as {@link #read}; moves nothing aside.
   *
   * @throws IOException naming the file and the failed check
   */
  public static Loaded readAsWritten(Path file) throws IOException {
    boolean biasOnly = false;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      ByteBuffer head = ByteBuffer.wrap(in.readNBytes(16));
      if (head.remaining() == 16 && head.getInt() == MAGIC && head.getInt() >= 3) {
        head.getInt(); // layout, checked by read
        biasOnly = (head.getInt() & FLAG_BIAS_ONLY) != 0;
      }
    }
    LoraRuntimeConfig config = LoraRuntimeConfig.builder().biasOnly(biasOnly).jmxEnabled(false)
        .build();
    GuardOptions d = GuardOptions.DEFAULTS;
    GuardOptions widest = new GuardOptions(d.enabled(), d.threshold(), 64, d.baselineRuns(),
        d.exploreEvery(), d.retryChange(), d.severeFactor());
    return read(file, config, widest);
  }

  /**
   * Loads the state in {@code file}: a fresh state when it does not exist, and, when it cannot
   * be used, a fresh state too, with the problem logged at ERROR (one line, the file and the
   * failed check) and returned, and the file moved aside ({@code <name>.damaged-<millis>}) so
   * it is neither lost nor overwritten. Never throws for the file's content.
   */
  public static Loaded load(Path file, LoraRuntimeConfig config, GuardOptions guardOptions) {
    if (!Files.exists(file)) {
      return new Loaded(fresh(config, guardOptions), null, 0);
    }
    try {
      return read(file, config, guardOptions);
    } catch (IOException | RuntimeException e) {
      String problem = e instanceof NoSuchFileException ? "cannot read " + file : e.getMessage();
      Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
          + System.currentTimeMillis());
      try {
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        problem += "; kept as " + aside;
      } catch (IOException moveFailure) {
        problem += "; could not move it aside (" + moveFailure.getMessage() + ")";
      }
      LOG.error("cannot load the learned state, planning with stock estimates and learning"
          + " from scratch: {}", problem);
      LOG.debug("cause of the load failure", e);
      return new Loaded(fresh(config, guardOptions), problem, 0);
    }
  }

  /**
   * Deletes the temporary files that saves of {@code file} killed before their rename left
   * behind ({@code .<name>.tmp-<pid>-<n>}), when the process that wrote them is gone. Never
   * throws; returns how many it deleted.
   */
  public static int cleanTemporaryFiles(Path file) {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    String prefix = "." + abs.getFileName() + ".tmp-";
    long self = ProcessHandle.current().pid();
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix.replace("[", "\\[")
        .replace("{", "\\{").replace("*", "\\*").replace("?", "\\?") + "*")) {
      for (Path p : files) {
        long pid = pidOf(p.getFileName().toString().substring(prefix.length()));
        if (pid < 0 || pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive)
            .orElse(false)) {
          continue;
        }
        try {
          if (Files.deleteIfExists(p)) {
            deleted++;
          }
        } catch (IOException e) {
          LOG.warn("cannot delete the leftover temporary file {} of an interrupted save: {}", p,
              e.getMessage());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot list {} for leftover temporary files: {}", dir, e.getMessage());
    }
    if (deleted > 0) {
      LOG.info("deleted {} temporary file(s) of interrupted saves of {}", deleted, file);
    }
    return deleted;
  }

  /** The pid in {@code <pid>-<n>}, or -1. */
  private static long pidOf(String rest) {
    int dash = rest.indexOf('-');
    if (dash <= 0) {
      return -1;
    }
    try {
      return Long.parseLong(rest.substring(0, dash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
