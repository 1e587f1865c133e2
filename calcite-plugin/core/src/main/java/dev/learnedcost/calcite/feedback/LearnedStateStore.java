package dev.learnedcost.calcite.feedback;

import dev.learnedcost.calcite.CostEmbedding;
import dev.learnedcost.calcite.LoraConfig;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.engine.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32C;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that keeps everything a {@link FeedbackLoop} learned: the model's adapters, the cost
 * calibration and the per-query history of the {@link RegressionGuard}.
 *
 * <h2>Format (version 2, big-endian)</h2>
 * <pre>
 * int    magic 0x4C434653 ("LCFS")
 * int    format version (2; version 1 is read too: its history has no preparation times)
 * int    CostEmbedding.LAYOUT_VERSION the adapters were trained on
 * int    length n of the adapter snapshot, then n bytes: the lora-engine snapshot (own checksum)
 * long   calibration observations; double calibration ln(ms per cost unit)
 * ...    the guard's entries (RegressionGuard.writeTo)
 * int    CRC32C of every byte before it
 * </pre>
 * One file, so the three parts always belong together; written with {@link AtomicFiles#write}
 * (temporary file, force, atomic rename), so a crash leaves the old file or the new one.
 *
 * <p>Checks on load, in order, each with its own message naming the file: length, magic,
 * version, checksum, embedding layout, then the parts (the engine names its failed check).
 */
public final class LearnedStateStore {
  static final int MAGIC = 0x4C434653;
  static final int VERSION = 2;
  /** The previous format: the same without the guard's preparation times. */
  static final int VERSION_1 = 1;
  private static final int HEADER = 16;
  private static final Logger LOG = LoggerFactory.getLogger(LearnedStateStore.class);

  private LearnedStateStore() {}

  /** What {@link #load} found: the parts, and why the file could not be used (or null). */
  record Loaded(LoraCostModel model, CostCalibration calibration, RegressionGuard guard,
      @Nullable String problem) {}

  /**
   * Writes the state crash-safely.
   *
   * @throws IOException if writing fails (the previous file is then intact)
   */
  public static void save(Path file, LoraCostModel model, CostCalibration calibration,
      RegressionGuard guard) throws IOException {
    ByteArrayOutputStream adapters = new ByteArrayOutputStream();
    model.writeTo(adapters);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(adapters.size() + 4096);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(CostEmbedding.LAYOUT_VERSION);
    out.writeInt(adapters.size());
    adapters.writeTo(out);
    out.writeLong(calibration.count());
    out.writeDouble(calibration.meanLogMsPerCost());
    guard.writeTo(out);
    out.flush();
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    AtomicFiles.write(file, bytes.toByteArray());
  }

  /**
   * Reads the state in {@code file}.
   *
   * @throws IOException naming the file and the failed check
   */
  public static Loaded read(Path file, LoraConfig config, GuardOptions guardOptions)
      throws IOException {
    byte[] b = Files.readAllBytes(file);
    String where = "learned state " + file + ": ";
    if (b.length < HEADER + 4) {
      throw new IOException(where + "truncated: " + b.length + " bytes is shorter than the "
          + (HEADER + 4) + "-byte minimum");
    }
    ByteBuffer head = ByteBuffer.wrap(b);
    int magic = head.getInt();
    if (magic != MAGIC) {
      throw new IOException(where + "wrong magic 0x" + Integer.toHexString(magic)
          + ", expected 0x" + Integer.toHexString(MAGIC) + " (not a learned-state file)");
    }
    int version = head.getInt();
    if (version != VERSION && version != VERSION_1) {
      throw new IOException(where + "unsupported format version " + version + ", this build"
          + " reads versions " + VERSION_1 + " and " + VERSION);
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
    DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(b, HEADER - 4, b.length - 4 - (HEADER - 4)));
    try {
      int n = in.readInt();
      if (n < 0 || n > b.length) {
        throw new IOException(where + "adapter length must be in 0.." + b.length + ", got " + n);
      }
      byte[] adapters = in.readNBytes(n);
      if (adapters.length != n) {
        throw new IOException(where + "truncated inside the adapters");
      }
      LoraCostModel model = LoraCostModel.readFrom(new ByteArrayInputStream(adapters), config);
      CostCalibration calibration;
      try {
        calibration = new CostCalibration(in.readLong(), in.readDouble());
      } catch (IllegalArgumentException e) {
        throw new IOException(where + "calibration: " + e.getMessage(), e);
      }
      RegressionGuard guard = RegressionGuard.readFrom(in, guardOptions, version == VERSION);
      if (in.available() != 0) {
        throw new IOException(where + in.available() + " unexpected bytes after the history");
      }
      return new Loaded(model, calibration, guard, null);
    } catch (EOFException e) {
      throw new IOException(where + "truncated: the content ends early", e);
    }
  }

  /**
   * Loads the state in {@code file}: an untrained start when it does not exist, and, when it is
   * damaged or unreadable, an untrained start too, with the problem logged and returned and the
   * file moved aside ({@code <name>.damaged-<millis>}) so it is neither lost nor overwritten.
   * Never throws for the file's content.
   */
  static Loaded load(Path file, LoraConfig config, GuardOptions guardOptions) {
    if (Files.exists(file)) {
      try {
        return read(file, config, guardOptions);
      } catch (IOException | RuntimeException e) {
        String problem = e.getMessage();
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-"
            + System.currentTimeMillis());
        try {
          Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
          problem += "; kept as " + aside;
        } catch (IOException moveFailure) {
          problem += "; could not move it aside (" + moveFailure.getMessage() + ")";
        }
        LOG.error("cannot load the learned state, planning with stock estimates and learning"
            + " from scratch: {}", problem, e);
        return fresh(config, guardOptions, problem);
      }
    }
    return fresh(config, guardOptions, null);
  }

  private static Loaded fresh(LoraConfig config, GuardOptions guardOptions,
      @Nullable String problem) {
    return new Loaded(LoraCostModel.create(config), new CostCalibration(),
        new RegressionGuard(guardOptions), problem);
  }
}
