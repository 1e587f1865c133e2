package dev.learnedcost.calcite.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.LoraConfig;
import dev.learnedcost.calcite.LoraCostModel;
import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedStateStoreTest {
  @TempDir Path dir;

  private static float[] embedding(long seed) {
    Random r = new Random(seed);
    float[] x = new float[LoraConfig.defaults().dim()];
    for (int i = 2; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static RegressionGuard guardWithHistory() {
    RegressionGuard g = new RegressionGuard(GuardOptions.DEFAULTS);
    g.choose("00000000000000aa", "SELECT ?", () -> new double[OperatorScope.COUNT]);
    g.record("00000000000000aa", "SELECT ?", PlanChoice.STOCK_BASELINE, 5, 12.5,
        () -> new double[OperatorScope.COUNT]);
    return g;
  }

  private Path saved(LoraCostModel model) throws IOException {
    Path file = dir.resolve("state.lcfs");
    LearnedStateStore.save(file, model, new CostCalibration(9, -2.5), guardWithHistory());
    return file;
  }

  @Test
  void roundTrip_keepsAdaptersCalibrationAndHistory() throws Exception {
    LoraCostModel model = LoraCostModel.create();
    for (int i = 0; i < 20; i++) {
      model.train(OperatorScope.SeqScan, embedding(1), Math.log(40), Double.NaN);
    }
    Path file = saved(model);
    LearnedStateStore.Loaded back =
        LearnedStateStore.read(file, LoraConfig.defaults(), GuardOptions.DEFAULTS);
    assertThat(back.problem()).isNull();
    assertThat(back.model().correction(OperatorScope.SeqScan, embedding(1)))
        .containsExactly(model.correction(OperatorScope.SeqScan, embedding(1)));
    assertThat(back.model().scopedLoRA().adaptCount(OperatorScope.SeqScan))
        .isEqualTo(model.scopedLoRA().adaptCount(OperatorScope.SeqScan));
    assertThat(back.calibration().count()).isEqualTo(9);
    assertThat(back.calibration().meanLogMsPerCost()).isEqualTo(-2.5);
    assertThat(back.guard().history()).isEqualTo(guardWithHistory().history());
  }

  @Test
  void everyDamage_isRejectedWithTheFailedCheck() throws Exception {
    Path file = saved(LoraCostModel.create());
    byte[] good = Files.readAllBytes(file);

    Files.write(file, java.util.Arrays.copyOf(good, 10));
    assertThatThrownBy(() -> read(file)).hasMessageContaining("truncated: 10 bytes");

    byte[] magic = good.clone();
    magic[0] ^= 1;
    Files.write(file, magic);
    assertThatThrownBy(() -> read(file)).hasMessageContaining("wrong magic");

    byte[] version = good.clone();
    version[7] = 9;
    Files.write(file, version);
    assertThatThrownBy(() -> read(file)).hasMessageContaining("unsupported format version 9");

    for (int bit = 8 * 8; bit < good.length * 8; bit += 97) {
      byte[] flipped = good.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      Files.write(file, flipped);
      assertThatThrownBy(() -> read(file)).as("bit %d", bit)
          .hasMessageContaining("learned state " + file);
    }

    Files.write(file, java.util.Arrays.copyOf(good, good.length - 3));
    assertThatThrownBy(() -> read(file)).hasMessageContaining("checksum mismatch");
  }

  /**
   * A file of format version 1 (before the guard kept preparation times) still loads: the
   * same content without each entry's preparation count and window (a long and an empty
   * window's int here), under version 1 and its own checksum.
   */
  @Test
  void version1File_loads_itsHistoryWithoutPreparationTimes() throws Exception {
    byte[] v2 = Files.readAllBytes(saved(LoraCostModel.create()));
    assertThat(java.nio.ByteBuffer.wrap(v2, 4, 4).getInt()).isEqualTo(LearnedStateStore.VERSION);
    int content = v2.length - 4 - 12; // without the CRC and the one entry's 12 new bytes
    byte[] v1 = java.util.Arrays.copyOf(v2, content + 4);
    java.nio.ByteBuffer.wrap(v1).putInt(4, LearnedStateStore.VERSION_1);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v1, 0, content);
    java.nio.ByteBuffer.wrap(v1).putInt(content, (int) crc.getValue());
    Path file = dir.resolve("v1.lcfs");
    Files.write(file, v1);
    LearnedStateStore.Loaded back =
        LearnedStateStore.read(file, LoraConfig.defaults(), GuardOptions.DEFAULTS);
    assertThat(back.problem()).isNull();
    assertThat(back.guard().history()).isEqualTo(guardWithHistory().history());
  }

  private void read(Path file) throws IOException {
    LearnedStateStore.read(file, LoraConfig.defaults(), GuardOptions.DEFAULTS);
  }

  @Test
  void damagedFile_isReportedAndKeptAside_andTheLoopStartsUntrained() throws Exception {
    Path file = dir.resolve("state.lcfs");
    Files.write(file, "this is not a learned-state file at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (FeedbackLoop loop = FeedbackLoop.open(file, LoraConfig.defaults(),
        FeedbackOptions.DEFAULTS.withSynchronous(true), 0)) {
      assertThat(loop.loadProblem()).contains("wrong magic").contains("kept as");
      assertThat(loop.model().correction(OperatorScope.SeqScan, embedding(1)))
          .containsExactly(1.0, 1.0);
      assertThat(loop.guard().history()).isEmpty();
    }
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("state.lcfs.damaged-"))
          .contains("state.lcfs");
    }
    assertThat(LearnedStateStore.read(file, LoraConfig.defaults(), GuardOptions.DEFAULTS)
        .problem()).isNull();
  }

  @Test
  void missingFile_startsUntrained_andCloseWritesIt() throws Exception {
    Path file = dir.resolve("sub").resolve("state.lcfs");
    try (FeedbackLoop loop = FeedbackLoop.open(file, LoraConfig.defaults(),
        FeedbackOptions.DEFAULTS.withSynchronous(true), 0)) {
      assertThat(loop.loadProblem()).isNull();
      assertThat(Files.exists(file)).isFalse();
    }
    assertThat(Files.exists(file)).isTrue();
  }

  @Test
  void negativeSaveInterval_isRejected() {
    assertThatThrownBy(() -> FeedbackLoop.open(dir.resolve("x"), LoraConfig.defaults(),
        FeedbackOptions.DEFAULTS, -1)).hasMessage("saveEvery must be >= 0, got -1");
  }
}
