package dev.learnedcost.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The binary snapshot format shared by {@link MicroLoRA} and {@link ScopedLoRA}, and its
 * crash-safe file write.
 *
 * <h2>Design notes</h2>
 * <p>Layout, version 1, big-endian, no padding ({@code d} = dim):
 * <pre>
 * offset  size  field
 *      0     4  magic 0x4C4F5241 ("LORA")
 *      4     4  format version (1)
 *      8     1  kind: 1 = MicroLoRA, 2 = ScopedLoRA
 *      9     4  dim, 1..256
 *     13     4  alpha (float)
 *     17     4  learning rate (float)
 *     21     4  maxStepNorm (float)
 *     25     1  flags: bit 0 = category fallback (ScopedLoRA; 0 for MicroLoRA)
 *     26        counters: MicroLoRA: forward count, adapt count (2 x int64);
 *               ScopedLoRA: forward count of each of the 17 operators (17 x int64)
 *      .        adapters: MicroLoRA 1; ScopedLoRA 17 operators (by id) then 7 categories (by id);
 *               each: adapt count (int64), a0, a1, b0, b1 (4 x d floats)
 *  N - 4     4  CRC32C of bytes 0 .. N-5
 * </pre>
 * A MicroLoRA of dim 256 takes {@code 26 + 16 + 4104 + 4 = 4150} bytes; a ScopedLoRA of dim 256
 * {@code 26 + 136 + 24 * 4104 + 4 = 98662}.
 *
 * <p>Checks on load, in this order, each with its own message: length of the fixed prefix,
 * magic, version, kind, dim range, exact length for that kind and dim, checksum, then the values
 * (alpha and learning rate finite and >= 0, maxStepNorm finite and > 0, no unknown flag, no
 * negative counter, every weight finite). The checksum covers every byte before it, header
 * included, so any single-bit error anywhere fails a check.
 *
 * <p>Crash safety: {@link AtomicFiles#write} writes a temporary file in the target's directory,
 * forces it to the device, renames it over the target atomically and then forces the directory,
 * so a crash at any point leaves either the old file or the new one under the target name.
 */
final class SnapshotCodec {
  static final int MAGIC = 0x4C4F5241;
  static final int VERSION = 1;
  static final byte KIND_MICRO = 1;
  static final byte KIND_SCOPED = 2;
  /** Magic, version, kind and dim: enough to know the total length. */
  static final int PREFIX_BYTES = 13;
  static final int HEADER_BYTES = 26;
  static final int CRC_BYTES = 4;
  static final int FLAG_CATEGORY_FALLBACK = 1;


  private SnapshotCodec() {}

  static int adapterBytes(int dim) {
    return 8 + 16 * dim;
  }

  static int totalBytes(byte kind, int dim) {
    int counters = kind == KIND_MICRO ? 16 : 8 * OperatorScope.COUNT;
    int adapters = kind == KIND_MICRO ? 1 : OperatorScope.COUNT + OperatorCategory.COUNT;
    return HEADER_BYTES + counters + adapters * adapterBytes(dim) + CRC_BYTES;
  }

  static String kindName(byte kind) {
    return kind == KIND_MICRO ? "MicroLoRA" : "ScopedLoRA";
  }

  /** Starts a snapshot: a buffer of the exact total size with the header written. */
  static ByteBuffer begin(
      byte kind, int dim, float alpha, float learningRate, float maxStepNorm, int flags) {
    ByteBuffer b = ByteBuffer.allocate(totalBytes(kind, dim));
    b.putInt(MAGIC).putInt(VERSION).put(kind).putInt(dim);
    b.putFloat(alpha).putFloat(learningRate).putFloat(maxStepNorm).put((byte) flags);
    return b;
  }

  static void putAdapter(ByteBuffer b, LoraPair p) {
    b.putLong(p.adaptCount);
    for (float[] v : new float[][] {p.a0, p.a1, p.b0, p.b1}) {
      for (int i = 0; i < p.dim; i++) {
        b.putFloat(v[i]);
      }
    }
  }

  /** Appends the checksum and returns the finished snapshot. */
  static byte[] finish(ByteBuffer b) {
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    if (b.hasRemaining()) {
      throw new IllegalStateException("snapshot size mismatch: " + b.remaining() + " bytes left");
    }
    return b.array();
  }

  /** A parsed, checked header; the buffer is positioned at the counters. */
  record Header(
      ByteBuffer body, int dim, float alpha, float learningRate, float maxStepNorm, int flags) {}

  /** Runs every check except the per-value checks of counters and weights. */
  static Header parse(String source, byte[] bytes, byte expectedKind)
      throws SnapshotFormatException {
    int dim = checkPrefix(source, bytes, bytes.length, expectedKind);
    int expected = totalBytes(expectedKind, dim);
    if (bytes.length < expected) {
      throw new SnapshotFormatException(
          source, "truncated: expected " + expected + " bytes, found " + bytes.length);
    }
    if (bytes.length > expected) {
      throw new SnapshotFormatException(
          source, "trailing data: expected " + expected + " bytes, found " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int stored = b.getInt(expected - CRC_BYTES);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, expected - CRC_BYTES);
    int computed = (int) crc.getValue();
    if (stored != computed) {
      throw new SnapshotFormatException(
          source, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)",
              stored, computed));
    }
    b.position(PREFIX_BYTES);
    float alpha = b.getFloat();
    float learningRate = b.getFloat();
    float maxStepNorm = b.getFloat();
    int flags = b.get() & 0xFF;
    if (!Float.isFinite(alpha) || alpha < 0f) {
      throw new SnapshotFormatException(source, "alpha must be finite and >= 0, got " + alpha);
    }
    if (!Float.isFinite(learningRate) || learningRate < 0f) {
      throw new SnapshotFormatException(
          source, "learning rate must be finite and >= 0, got " + learningRate);
    }
    if (!Float.isFinite(maxStepNorm) || maxStepNorm <= 0f) {
      throw new SnapshotFormatException(
          source, "maxStepNorm must be finite and > 0, got " + maxStepNorm);
    }
    int known = expectedKind == KIND_SCOPED ? FLAG_CATEGORY_FALLBACK : 0;
    if ((flags & ~known) != 0) {
      throw new SnapshotFormatException(
          source, String.format("unknown flags 0x%02x for a %s", flags, kindName(expectedKind)));
    }
    return new Header(b, dim, alpha, learningRate, maxStepNorm, flags);
  }

  /** Checks magic, version, kind and dim in the first {@code available} bytes; returns dim. */
  private static int checkPrefix(String source, byte[] bytes, int available, byte expectedKind)
      throws SnapshotFormatException {
    if (available < PREFIX_BYTES) {
      throw new SnapshotFormatException(source, "truncated: expected at least " + PREFIX_BYTES
          + " bytes (the header), found " + available);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, PREFIX_BYTES);
    int magic = b.getInt();
    if (magic != MAGIC) {
      throw new SnapshotFormatException(source, String.format(
          "bad magic 0x%08x (expected 0x%08x, \"LORA\"): not a lora-engine snapshot",
          magic, MAGIC));
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw new SnapshotFormatException(source,
          "unsupported format version " + version + " (this build reads " + VERSION + ")");
    }
    byte kind = b.get();
    if (kind != KIND_MICRO && kind != KIND_SCOPED) {
      throw new SnapshotFormatException(source,
          "unknown model kind " + kind + " (1 = MicroLoRA, 2 = ScopedLoRA)");
    }
    if (kind != expectedKind) {
      throw new SnapshotFormatException(source, "holds a " + kindName(kind) + ", not a "
          + kindName(expectedKind) + "; load it with " + kindName(kind) + ".load");
    }
    int dim = b.getInt();
    if (dim < 1 || dim > Checks.MAX_DIM) {
      throw new SnapshotFormatException(source, "dim " + dim + " outside 1.." + Checks.MAX_DIM);
    }
    return dim;
  }

  static long counter(String source, ByteBuffer b, String what) throws SnapshotFormatException {
    long v = b.getLong();
    if (v < 0) {
      throw new SnapshotFormatException(source, what + " must be >= 0, got " + v);
    }
    return v;
  }

  /** Reads one adapter's count and weights into {@code p}, checking each weight is finite. */
  static void readAdapter(String source, ByteBuffer b, LoraPair p, String what)
      throws SnapshotFormatException {
    p.adaptCount = counter(source, b, what + " adapt count");
    String[] names = {"a0", "a1", "b0", "b1"};
    float[][] vs = {p.a0, p.a1, p.b0, p.b1};
    for (int k = 0; k < vs.length; k++) {
      float[] v = vs[k];
      for (int i = 0; i < p.dim; i++) {
        float f = b.getFloat();
        if (!Float.isFinite(f)) {
          throw new SnapshotFormatException(
              source, what + " weight " + names[k] + "[" + i + "] must be finite, got " + f);
        }
        v[i] = f;
      }
    }
    p.refreshColumnSums();
  }

  /**
   * Reads exactly one snapshot of the expected kind from a stream (no byte beyond it), running
   * the prefix checks before reading the rest.
   */
  static byte[] readStream(String source, InputStream in, byte expectedKind) throws IOException {
    byte[] prefix = in.readNBytes(PREFIX_BYTES);
    int dim = checkPrefix(source, prefix, prefix.length, expectedKind);
    int expected = totalBytes(expectedKind, dim);
    byte[] bytes = new byte[expected];
    System.arraycopy(prefix, 0, bytes, 0, PREFIX_BYTES);
    int read = PREFIX_BYTES + in.readNBytes(bytes, PREFIX_BYTES, expected - PREFIX_BYTES);
    if (read < expected) {
      throw new SnapshotFormatException(
          source, "truncated: expected " + expected + " bytes, found " + read);
    }
    return bytes;
  }

  /** Reads a snapshot file, refusing (before reading it) one larger than any valid snapshot. */
  static byte[] readFile(Path path, byte expectedKind) throws IOException {
    long max = totalBytes(expectedKind, Checks.MAX_DIM);
    long size = Files.size(path);
    if (size > max) {
      throw new SnapshotFormatException(path.toString(), "trailing data: " + size
          + " bytes is more than any " + kindName(expectedKind) + " snapshot (" + max + ")");
    }
    return Files.readAllBytes(path);
  }

  static void write(OutputStream out, byte[] bytes) throws IOException {
    Checks.notNull("out", out);
    out.write(bytes);
    out.flush();
  }
}
