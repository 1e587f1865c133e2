package dev.learnedcost.calcite.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.LoraRuntimeConfig;
import dev.learnedcost.calcite.PlanChoice;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.guard.GuardCodec;
import dev.learnedcost.calcite.internal.guard.GuardOptions;
import dev.learnedcost.calcite.internal.guard.RegressionGuard;
import dev.learnedcost.calcite.internal.learn.CostCalibration;
import dev.learnedcost.calcite.internal.learn.ScopeStatistics;
import dev.learnedcost.calcite.internal.learn.Trainer;
import dev.learnedcost.engine.OperatorScope;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
  private static final LoraRuntimeConfig CONFIG = LoraRuntimeConfig.defaults();

  @TempDir Path dir;

  private static float[] embedding(long seed) {
    Random r = new Random(seed);
    float[] x = new float[CONFIG.dim()];
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

  private static StateFile.State state(LearnedModel model) {
    ScopeStatistics[] statistics = Trainer.newStatistics();
    statistics[OperatorScope.SeqScan.id()].addRows(4.6, 0.1);
    statistics[OperatorScope.SeqScan.id()].addCost(1.0, 0.5);
    statistics[OperatorScope.SeqScan.id()].addTrajectory(2f, 3f);
    return new StateFile.State(model, new CostCalibration(9, -2.5), guardWithHistory(),
        statistics);
  }

  private Path saved(LearnedModel model) throws IOException {
    Path file = dir.resolve("state.lcfs");
    StateFile.save(file, state(model));
    return file;
  }

  private static StateFile.Loaded read(Path file) throws IOException {
    return StateFile.read(file, CONFIG, GuardOptions.DEFAULTS);
  }

  @Test
  void roundTrip_keepsAdaptersCalibrationHistoryAndStatistics() throws Exception {
    LearnedModel model = LearnedModel.untrained(CONFIG);
    for (int i = 0; i < 20; i++) {
      model.train(OperatorScope.SeqScan, embedding(1), Math.log(40), Double.NaN);
    }
    Path file = saved(model);
    StateFile.Loaded back = read(file);
    assertThat(back.problem()).isNull();
    assertThat(back.version()).isEqualTo(StateFile.VERSION);
    StateFile.State s = back.state();
    assertThat(s.model().correction(OperatorScope.SeqScan, embedding(1)))
        .containsExactly(model.correction(OperatorScope.SeqScan, embedding(1)));
    assertThat(s.model().scopedLoRA().adaptCount(OperatorScope.SeqScan))
        .isEqualTo(model.scopedLoRA().adaptCount(OperatorScope.SeqScan));
    assertThat(s.calibration().count()).isEqualTo(9);
    assertThat(s.calibration().meanLogMsPerCost()).isEqualTo(-2.5);
    assertThat(s.guard().history()).isEqualTo(guardWithHistory().history());
    assertThat(s.statistics()[OperatorScope.SeqScan.id()]
            .snapshot(OperatorScope.SeqScan, s.model().scopedLoRA()))
        .isEqualTo(state(model).statistics()[OperatorScope.SeqScan.id()]
            .snapshot(OperatorScope.SeqScan, model.scopedLoRA()));
  }

  @Test
  void everyDamage_isRejectedWithTheFailedCheck() throws Exception {
    Path file = saved(LearnedModel.untrained(CONFIG));
    byte[] good = Files.readAllBytes(file);

    Files.write(file, Arrays.copyOf(good, 10));
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

    Files.write(file, Arrays.copyOf(good, good.length - 3));
    assertThatThrownBy(() -> read(file)).hasMessageContaining("checksum mismatch");
  }

  @Test
  void adaptersDamagedInside_areReportedWithTheFileAndThePart() throws Exception {
    Path file = saved(LearnedModel.untrained(CONFIG));
    byte[] b = Files.readAllBytes(file);
    b[30] ^= 0x10; // inside the adapter snapshot, whose own checksum catches it
    int content = b.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(b, 0, content);
    ByteBuffer.wrap(b).putInt(content, (int) crc.getValue());
    Files.write(file, b);
    assertThatThrownBy(() -> read(file))
        .hasMessageStartingWith("learned state " + file + ": adapters: snapshot");
  }

  @Test
  void bareAdapterSnapshot_ofTheOldFormat_isNamedAsSuch() throws Exception {
    Path file = dir.resolve("model.lora");
    LearnedModel.untrained(CONFIG).scopedLoRA().save(file);
    assertThatThrownBy(() -> read(file)).hasMessageContaining("bare adapter snapshot");
  }

  @Test
  void biasOnlyState_isRefusedByARuntimeWithFullEmbeddings() throws Exception {
    LoraRuntimeConfig biasOnly = LoraRuntimeConfig.builder().biasOnly(true).build();
    Path file = dir.resolve("bias.lcfs");
    StateFile.save(file, StateFile.fresh(biasOnly, GuardOptions.DEFAULTS));
    assertThat(StateFile.read(file, biasOnly, GuardOptions.DEFAULTS).problem()).isNull();
    assertThatThrownBy(() -> read(file))
        .hasMessageContaining("learned with biasOnly=true, the runtime is configured with"
            + " biasOnly=false");
  }

  /** A file of an older format, built by hand: header, adapters, calibration, history. */
  private static byte[] legacy(int version, LearnedModel model) throws IOException {
    ByteArrayOutputStream adapters = new ByteArrayOutputStream();
    model.scopedLoRA().writeTo(adapters);
    ByteArrayOutputStream history = new ByteArrayOutputStream();
    GuardCodec.write(guardWithHistory(), new DataOutputStream(history));
    byte[] h = history.toByteArray();
    if (version == 1) {
      // Without the one entry's preparation count and empty window (a long and an int).
      h = Arrays.copyOf(h, h.length - 12);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(StateFile.MAGIC);
    out.writeInt(version);
    out.writeInt(CostEmbedding.LAYOUT_VERSION);
    out.writeInt(adapters.size());
    adapters.writeTo(out);
    out.writeLong(9);
    out.writeDouble(-2.5);
    out.write(h);
    out.flush();
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    return bytes.toByteArray();
  }

  /**
   * Files of format versions 1 (no preparation times) and 2 (no statistics, no flags) still
   * load: what they hold comes back, the rest starts empty.
   */
  @Test
  void olderFormats_load_whatTheyHeld() throws Exception {
    LearnedModel model = LearnedModel.untrained(CONFIG);
    model.train(OperatorScope.HashJoin, embedding(2), 1.0, Double.NaN);
    for (int version : new int[] {1, 2}) {
      Path file = dir.resolve("v" + version + ".lcfs");
      Files.write(file, legacy(version, model));
      StateFile.Loaded back = read(file);
      assertThat(back.version()).isEqualTo(version);
      assertThat(back.state().guard().history()).isEqualTo(guardWithHistory().history());
      assertThat(back.state().calibration().count()).isEqualTo(9);
      assertThat(back.state().model().correction(OperatorScope.HashJoin, embedding(2)))
          .containsExactly(model.correction(OperatorScope.HashJoin, embedding(2)));
      assertThat(back.state().statistics()[0].observations()).isZero();
    }
  }

  @Test
  void damagedFile_isReportedAndKeptAside_andTheStateStartsUntrained() throws Exception {
    Path file = dir.resolve("state.lcfs");
    Files.write(file, "this is not a learned-state file at all"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    StateFile.Loaded loaded = StateFile.load(file, CONFIG, GuardOptions.DEFAULTS);
    assertThat(loaded.problem()).contains(file.toString()).contains("wrong magic")
        .contains("kept as");
    assertThat(loaded.state().model().correction(OperatorScope.SeqScan, embedding(1)))
        .containsExactly(1.0, 1.0);
    assertThat(loaded.state().guard().history()).isEmpty();
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("state.lcfs.damaged-"))
          .doesNotContain("state.lcfs");
    }
  }

  @Test
  void leftoverTemporaryFilesOfDeadWriters_areDeleted_othersKept() throws Exception {
    Path file = dir.resolve("state.lcfs");
    long self = ProcessHandle.current().pid();
    Path dead = dir.resolve(".state.lcfs.tmp-" + Integer.MAX_VALUE + "-3");
    Path mine = dir.resolve(".state.lcfs.tmp-" + self + "-1");
    Path other = dir.resolve(".other.lcfs.tmp-" + Integer.MAX_VALUE + "-1");
    for (Path p : new Path[] {dead, mine, other}) {
      Files.write(p, new byte[] {1});
    }
    assertThat(StateFile.cleanTemporaryFiles(file)).isEqualTo(1);
    assertThat(dead).doesNotExist();
    assertThat(mine).exists();
    assertThat(other).exists();
  }
}
