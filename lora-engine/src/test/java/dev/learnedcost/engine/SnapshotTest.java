package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The snapshot format: round trips, and every kind of damage rejected with a clear message. */
class SnapshotTest {
  private static final long SEED = 20261124L;

  @TempDir Path dir;

  @ParameterizedTest(name = "dim={0}")
  @ValueSource(ints = {1, 7, 64, 256})
  void saveLoad_scoped_givesBitIdenticalStateOutputsAndCounters(int dim) throws IOException {
    ScopedLoRA s = SnapshotModels.scoped(dim, SEED + dim);
    Path file = dir.resolve("model.lora");
    s.save(file);
    ScopedLoRA l = ScopedLoRA.load(file);

    assertThat(l.dim()).isEqualTo(dim);
    assertThat(l.alpha()).isEqualTo(s.alpha());
    assertThat(l.learningRate()).isEqualTo(s.learningRate());
    assertThat(l.maxStepNorm()).isEqualTo(s.maxStepNorm());
    assertThat(l.categoryFallback()).isEqualTo(s.categoryFallback());
    assertThat(EngineState.of(l)).isEqualTo(EngineState.of(s));
    assertThat(l.totalForwardCount()).isPositive().isEqualTo(s.totalForwardCount());
    assertThat(l.totalAdaptCount()).isPositive().isEqualTo(s.totalAdaptCount());
    SplittableRandom rnd = new SplittableRandom(SEED);
    for (int op = 0; op < OperatorScope.COUNT; op++) {
      float[] x = SnapshotModels.vector(rnd, dim);
      assertThat(bits(l.forwardArray(op, x))).as("op %d", op)
          .containsExactly(bits(s.forwardArray(op, x)));
      assertThat(l.deltaNorm(op)).isEqualTo(s.deltaNorm(op));
    }
    // Training continues identically from the loaded copy.
    float[] x = SnapshotModels.vector(rnd, dim);
    float[] g = SnapshotModels.vector(rnd, dim);
    s.trainStep(OperatorScope.Sort, x, g);
    l.trainStep(OperatorScope.Sort, x, g);
    assertThat(l.toSnapshot()).isEqualTo(s.toSnapshot());
  }

  @ParameterizedTest(name = "dim={0}")
  @ValueSource(ints = {1, 5, 256})
  void saveLoad_micro_givesBitIdenticalStateOutputsAndCounters(int dim) throws IOException {
    MicroLoRA m = SnapshotModels.micro(dim, SEED + dim);
    Path file = dir.resolve("micro.lora");
    m.save(file);
    MicroLoRA l = MicroLoRA.load(file);

    assertThat(l.maxStepNorm()).isEqualTo(2f);
    assertThat(EngineState.of(l)).isEqualTo(EngineState.of(m));
    assertThat(l.forwardCount()).isEqualTo(12);
    assertThat(l.adaptCount()).isEqualTo(24);
    float[] x = SnapshotModels.vector(new SplittableRandom(SEED), dim);
    assertThat(bits(l.forwardArray(x))).containsExactly(bits(m.forwardArray(x)));
    // The cached column sums of A are rebuilt: the reference adapt continues identically.
    m.adaptArray(x);
    l.adaptArray(x);
    assertThat(l.toSnapshot()).isEqualTo(m.toSnapshot());
  }

  @Test
  void writeToReadFrom_embeddedInAStream_consumesExactlyItsBytes() throws IOException {
    ScopedLoRA s = SnapshotModels.scoped(8, SEED);
    MicroLoRA m = SnapshotModels.micro(3, SEED);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {1, 2, 3});
    s.writeTo(out);
    m.writeTo(out);
    out.write(new byte[] {9, 8});
    InputStream in = new ByteArrayInputStream(out.toByteArray());
    assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
    assertThat(ScopedLoRA.readFrom(in).toSnapshot()).isEqualTo(s.toSnapshot());
    assertThat(MicroLoRA.readFrom(in).toSnapshot()).isEqualTo(m.toSnapshot());
    assertThat(in.readAllBytes()).containsExactly(9, 8);
  }

  @Test
  void snapshot_sizeMatchesTheDocumentedLayout() {
    assertThat(new ScopedLoRA().toSnapshot()).hasSize(98_662);
    assertThat(new MicroLoRA().toSnapshot()).hasSize(4_150);
    byte[] b = new MicroLoRA(2, 0.1f, 0.01f).toSnapshot();
    ByteBuffer h = ByteBuffer.wrap(b);
    assertThat(h.getInt()).isEqualTo(0x4C4F5241);
    assertThat(h.getInt()).isEqualTo(1);
    assertThat(h.get()).isEqualTo((byte) 1);
    assertThat(h.getInt()).isEqualTo(2);
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    assertThat(h.getInt(b.length - 4)).isEqualTo((int) crc.getValue());
  }

  @Test
  void load_truncatedFile_isRejectedWithExpectedAndFoundSizes() throws IOException {
    byte[] full = SnapshotModels.scoped(4, SEED).toSnapshot();
    Path file = dir.resolve("t.lora");
    for (int len : new int[] {full.length - 1, full.length / 2, 13, 14}) {
      Files.write(file, java.util.Arrays.copyOf(full, len));
      assertThatThrownBy(() -> ScopedLoRA.load(file))
          .isInstanceOf(SnapshotFormatException.class)
          .hasMessage("snapshot " + file + ": truncated: expected " + full.length
              + " bytes, found " + len);
    }
    for (int len : new int[] {0, 12}) {
      Files.write(file, java.util.Arrays.copyOf(full, len));
      assertThatThrownBy(() -> ScopedLoRA.load(file))
          .isInstanceOf(SnapshotFormatException.class)
          .hasMessage("snapshot " + file + ": truncated: expected at least 13 bytes (the header),"
              + " found " + len);
    }
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 10);
    assertThatThrownBy(() -> ScopedLoRA.readFrom(new ByteArrayInputStream(cut)))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot stream: truncated: expected " + full.length + " bytes, found "
            + cut.length);
  }

  @Test
  void load_trailingBytes_isRejected() throws IOException {
    byte[] full = SnapshotModels.micro(4, SEED).toSnapshot();
    Path file = dir.resolve("t.lora");
    Files.write(file, java.util.Arrays.copyOf(full, full.length + 1));
    assertThatThrownBy(() -> MicroLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": trailing data: expected " + full.length
            + " bytes, found " + (full.length + 1));
  }

  @Test
  void load_everySingleBitFlip_isRejected() throws IOException {
    // Small models so that every bit of both kinds of snapshot is flipped in turn.
    assertEveryBitFlipRejected(SnapshotModels.micro(3, SEED).toSnapshot(), false);
    assertEveryBitFlipRejected(SnapshotModels.scoped(2, SEED).toSnapshot(), true);
  }

  private void assertEveryBitFlipRejected(byte[] good, boolean scoped) throws IOException {
    Path file = dir.resolve(scoped ? "flip-scoped.lora" : "flip-micro.lora");
    TreeMap<String, Integer> byCheck = new TreeMap<>();
    for (int bit = 0; bit < good.length * 8; bit++) {
      byte[] bad = good.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(file, bad);
      try {
        if (scoped) {
          ScopedLoRA.load(file);
        } else {
          MicroLoRA.load(file);
        }
        fail("a snapshot with bit " + bit + " flipped (byte " + bit / 8 + ") loaded");
      } catch (SnapshotFormatException e) {
        assertThat(e.getMessage()).startsWith("snapshot " + file + ": ");
        String check = e.getMessage().substring(("snapshot " + file + ": ").length());
        byCheck.merge(check.replaceAll("[ (].*", ""), 1, Integer::sum);
      }
    }
    // Each header field is caught by its own check; everything else by the checksum.
    assertThat(byCheck).containsKeys("bad", "unsupported", "unknown", "dim", "checksum");
    assertThat(byCheck.get("checksum")).isGreaterThan(good.length * 8 * 3 / 4);
  }

  @Test
  void load_wrongVersion_namesBothVersions() throws IOException {
    byte[] b = SnapshotModels.scoped(4, SEED).toSnapshot();
    ByteBuffer.wrap(b).putInt(4, 3);
    Path file = dir.resolve("v3.lora");
    Files.write(file, b);
    assertThatThrownBy(() -> ScopedLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": unsupported format version 3 (this build reads 1)");
  }

  @Test
  void load_wrongMagic_saysNotASnapshot() throws IOException {
    byte[] b = SnapshotModels.scoped(4, SEED).toSnapshot();
    ByteBuffer.wrap(b).putInt(0, 0x504B0304);
    Path file = dir.resolve("zip.lora");
    Files.write(file, b);
    assertThatThrownBy(() -> ScopedLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": bad magic 0x504b0304 (expected 0x4c4f5241, \"LORA\"):"
            + " not a lora-engine snapshot");
  }

  @Test
  void load_otherKind_namesTheRightLoader() throws IOException {
    Path file = dir.resolve("micro.lora");
    SnapshotModels.micro(4, SEED).save(file);
    assertThatThrownBy(() -> ScopedLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": holds a MicroLoRA, not a ScopedLoRA; load it with"
            + " MicroLoRA.load");
  }

  @Test
  void load_dimOutOfRange_isRejected() throws IOException {
    byte[] b = SnapshotModels.micro(4, SEED).toSnapshot();
    ByteBuffer.wrap(b).putInt(9, 300);
    Path file = dir.resolve("d.lora");
    Files.write(file, b);
    assertThatThrownBy(() -> MicroLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": dim 300 outside 1..256");
  }

  @Test
  void load_checksumValidButNaNWeight_isRejectedByName() throws IOException {
    ScopedLoRA s = SnapshotModels.scoped(4, SEED);
    byte[] b = s.toSnapshot();
    // Operator 2 (HnswScan), weight b1[3]: header 26, counters 136, two adapters of 8 + 64.
    int offset = 26 + 136 + 2 * 72 + 8 + 3 * 16 + 3 * 4;
    ByteBuffer.wrap(b).putFloat(offset, Float.NaN);
    rewriteChecksum(b);
    Path file = dir.resolve("nan.lora");
    Files.write(file, b);
    assertThatThrownBy(() -> ScopedLoRA.load(file))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot " + file + ": HnswScan operator weight b1[3] must be finite, got NaN");
  }

  @Test
  void load_checksumValidButNegativeCounter_isRejectedByName() throws IOException {
    byte[] b = SnapshotModels.micro(4, SEED).toSnapshot();
    ByteBuffer.wrap(b).putLong(26 + 8, -1L);
    rewriteChecksum(b);
    assertThatThrownBy(() -> MicroLoRA.readFrom(new ByteArrayInputStream(b)))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessage("snapshot stream: adapt count must be >= 0, got -1");
  }

  @Test
  void load_corruptFile_leavesTheCallersModelAndFileAsTheyWere() throws IOException {
    ScopedLoRA current = SnapshotModels.scoped(8, SEED);
    Path file = dir.resolve("model.lora");
    current.save(file);
    byte[] saved = Files.readAllBytes(file);
    List<Object> before = EngineState.of(current);
    byte[] bad = saved.clone();
    bad[bad.length / 2] ^= 0x10;
    Path corrupt = dir.resolve("corrupt.lora");
    Files.write(corrupt, bad);
    ScopedLoRA model = current;
    try {
      model = ScopedLoRA.load(corrupt);
      fail("corrupt snapshot loaded");
    } catch (SnapshotFormatException e) {
      assertThat(e).hasMessageContaining("checksum mismatch (stored 0x");
    }
    assertThat(model).isSameAs(current);
    assertThat(EngineState.of(current)).isEqualTo(before);
    assertThat(Files.readAllBytes(file)).isEqualTo(saved);
  }

  @Test
  void save_overExistingFile_replacesItAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.lora");
    SnapshotModels.scoped(8, 1).save(file);
    ScopedLoRA second = SnapshotModels.scoped(8, 2);
    second.save(file);
    assertThat(ScopedLoRA.load(file).toSnapshot()).isEqualTo(second.toSnapshot());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.lora");
    }
  }

  @Test
  void save_whenTheRenameFails_throwsAndRemovesTheTemporaryFile() throws IOException {
    // A non-empty directory cannot be replaced by a file: the write succeeds, the move fails.
    Path target = dir.resolve("model.lora");
    Files.createDirectory(target);
    Files.write(target.resolve("keep"), new byte[] {1});
    assertThatThrownBy(() -> SnapshotModels.micro(4, SEED).save(target))
        .isInstanceOf(IOException.class);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.lora");
    }
    assertThat(target.resolve("keep")).exists();
  }

  @Test
  void save_intoMissingDirectory_throwsNoSuchFile() {
    Path file = dir.resolve("missing").resolve("model.lora");
    assertThatThrownBy(() -> SnapshotModels.micro(4, SEED).save(file))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  private static void rewriteChecksum(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Float.floatToRawIntBits(v[i]);
    }
    return out;
  }
}
