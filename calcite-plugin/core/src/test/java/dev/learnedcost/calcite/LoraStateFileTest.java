package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoraStateFile}: reads what a runtime saved, edits it (reset a scope, forget a query)
 * so that a runtime loads the edit, and refuses to write a file a runtime holds or saved since.
 */
class LoraStateFileTest {
  private static final String JOIN = "select count(*) from f1 join d on f1.d = d.d"
      + " where d.score < 100";
  private static final String SCAN = "select count(*) from f2 where status = 'A'";

  @TempDir Path dir;

  /** Runs the two queries {@code n} times each through a learning runtime saving to file. */
  private static void learn(Path file, LoraRuntimeConfig.Builder config, int n)
      throws SQLException, InterruptedException {
    try (LoraRuntime runtime = LoraRuntime.open(config.stateFile(file).synchronous(true)
        .build());
        Connection c = StarH2.connect(runtime.driver(LoraMode.ON, true))) {
      for (int i = 0; i < n; i++) {
        for (String sql : List.of(JOIN, SCAN)) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
          }
        }
      }
      assertThat(runtime.awaitIdle(Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void open_readsWhatTheRuntimeSaved() throws Exception {
    Path file = dir.resolve("learned.lcfs");
    List<ScopeStats> live;
    List<QueryHistory> history;
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .synchronous(true).build());
        Connection c = StarH2.connect(runtime.driver(LoraMode.ON, true))) {
      for (int i = 0; i < 3; i++) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(JOIN)) {
          assertThat(rs.next()).isTrue();
        }
      }
      runtime.save();
      live = runtime.scopeStats();
      history = runtime.history();
      LoraStateFile state = LoraStateFile.open(file);
      assertThat(state.isInUse()).isTrue();
      assertThat(state.formatVersion()).isEqualTo(3);
      assertThat(state.dim()).isEqualTo(LoraRuntimeConfig.DEFAULT_DIM);
      assertThat(state.biasOnly()).isFalse();
      assertThat(state.sizeBytes()).isEqualTo(Files.size(file));
      for (ScopeStats s : live) {
        assertThat(state.scope(s.scope()).stats()).isEqualTo(s);
      }
      assertThat(state.scope(OperatorScope.SeqScan).adapterNorm())
          .isEqualTo(runtime.model().scopedLoRA().deltaNorm(OperatorScope.SeqScan));
      assertThat(state.queries()).isEqualTo(history);
    }
    assertThat(live).extracting(ScopeStats::scope).contains(OperatorScope.SeqScan);
    assertThat(history).singleElement().satisfies(h -> {
      assertThat(h.planned()).isEqualTo(3);
      assertThat(h.fingerprint()).isEqualTo(LoraRuntime.fingerprint(JOIN));
    });
    LoraStateFile closed = LoraStateFile.open(file);
    assertThat(closed.isInUse()).isFalse();
    assertThat(closed.scope(OperatorScope.SeqScan).isTrained()).isTrue();
    assertThat(closed.scope(OperatorScope.Rerank).isTrained()).isFalse();
  }

  @Test
  void resetScope_saved_runtimeLoadsTheScopeUntrained_othersKept() throws Exception {
    Path file = dir.resolve("reset.lcfs");
    learn(file, LoraRuntimeConfig.builder(), 2);
    LoraStateFile state = LoraStateFile.open(file);
    double joinNorm = state.scope(OperatorScope.HashJoin).adapterNorm();
    LoraStateFile.ScopeState before = state.resetScope(OperatorScope.SeqScan);
    assertThat(before.adapterNorm()).isPositive();
    assertThat(before.stats().observations()).isPositive();
    assertThat(state.isModified()).isTrue();
    state.save();
    assertThat(state.isModified()).isFalse();

    LoraStateFile reread = LoraStateFile.open(file);
    assertThat(reread.scope(OperatorScope.SeqScan).adapterNorm()).isZero();
    assertThat(reread.scope(OperatorScope.SeqScan).stats().observations()).isZero();
    assertThat(reread.scope(OperatorScope.HashJoin).adapterNorm()).isEqualTo(joinNorm);
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThat(runtime.loadProblem()).isNull();
      assertThat(runtime.scopeStats(OperatorScope.SeqScan).observations()).isZero();
      assertThat(runtime.model().scopedLoRA().deltaNorm(OperatorScope.HashJoin))
          .isEqualTo((float) joinNorm);
    }
  }

  @Test
  void forgetQuery_saved_runtimeHasNoHistoryForIt_andKeepsTheOthersWhole() throws Exception {
    Path file = dir.resolve("forget.lcfs");
    // A guard window wider than the default: the tool must keep every latency of the others.
    learn(file, LoraRuntimeConfig.builder().guardWindow(8), 6);
    LoraStateFile state = LoraStateFile.open(file);
    QueryHistory scan = state.query(LoraRuntime.fingerprint(SCAN)).orElseThrow();
    assertThat(state.forgetQuery(LoraRuntime.fingerprint(JOIN))).isPresent();
    assertThat(state.forgetQuery("0123456789abcdef")).isEmpty();
    state.save();
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .guardWindow(8).build())) {
      assertThat(runtime.history(JOIN)).isEmpty();
      assertThat(runtime.history(SCAN)).contains(scan);
    }
  }

  /** A learned file, opened by the tool with one scope reset (not saved). */
  private static LoraStateFile learnedAndEdited(Path file) throws Exception {
    learn(file, LoraRuntimeConfig.builder(), 1);
    LoraStateFile state = LoraStateFile.open(file);
    state.resetScope(OperatorScope.SeqScan);
    return state;
  }

  @Test
  void save_whileARuntimeHoldsTheFile_isRefused_andWritesNothing() throws Exception {
    Path file = dir.resolve("held.lcfs");
    LoraStateFile state = learnedAndEdited(file);
    byte[] bytes = Files.readAllBytes(file);
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .build())) {
      assertThat(state.isInUse()).isTrue();
      assertThatThrownBy(state::save).isInstanceOf(IllegalStateException.class)
          .hasMessage("learned state " + file.toAbsolutePath().normalize() + ": in use by a"
              + " running runtime (held.lcfs.lock is held); nothing was written: close the runtime (or stop its"
              + " process) first, or its next save would overwrite the change");
      assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
      // The refusal did not release the runtime's lock.
      assertThat(state.isInUse()).isTrue();
      assertThatThrownBy(() -> LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
          .build())).isInstanceOf(IllegalStateException.class);
      assertThat(runtime.isClosed()).isFalse();
    }
  }

  @Test
  void save_afterARuntimeSavedTheFile_isRefused() throws Exception {
    Path file = dir.resolve("stale.lcfs");
    LoraStateFile state = learnedAndEdited(file);
    learn(file, LoraRuntimeConfig.builder(), 1);
    byte[] bytes = Files.readAllBytes(file);
    assertThatThrownBy(state::save).isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith(": changed since it was opened (a runtime saved it); nothing was"
            + " written: open it again and repeat the change");
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }

  @Test
  void biasOnlyFile_opensAndSavesAsBiasOnly() throws Exception {
    Path file = dir.resolve("bias.lcfs");
    learn(file, LoraRuntimeConfig.builder().biasOnly(true), 1);
    LoraStateFile state = LoraStateFile.open(file);
    assertThat(state.biasOnly()).isTrue();
    state.resetScope(OperatorScope.Sort);
    state.save();
    try (LoraRuntime runtime = LoraRuntime.open(LoraRuntimeConfig.builder().stateFile(file)
        .biasOnly(true).build())) {
      assertThat(runtime.loadProblem()).isNull();
    }
  }

  @Test
  void open_badPaths_andDamagedFiles_failWithOneLineNamingTheFile() throws Exception {
    Path missing = dir.resolve("missing.lcfs");
    assertThatThrownBy(() -> LoraStateFile.open(missing)).isInstanceOf(NoSuchFileException.class)
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> LoraStateFile.open(dir)).isInstanceOf(IOException.class)
        .hasMessage("learned state " + dir + ": is a directory, not a state file");

    Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a learned state file");
    assertThatThrownBy(() -> LoraStateFile.open(text)).isInstanceOf(IOException.class)
        .hasMessageStartingWith("learned state " + text + ": wrong magic 0x74686973");

    Path file = dir.resolve("damaged.lcfs");
    learn(file, LoraRuntimeConfig.builder(), 1);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    assertThatThrownBy(() -> LoraStateFile.open(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("learned state " + file + ": checksum mismatch")
        .hasMessageNotContaining("\n");
    // Opening moved nothing aside and wrote nothing.
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);

    Path cut = Files.write(dir.resolve("cut.lcfs"), java.util.Arrays.copyOf(bytes, 20));
    assertThatThrownBy(() -> LoraStateFile.open(cut)).isInstanceOf(IOException.class)
        .hasMessage("learned state " + cut + ": truncated: 20 bytes is shorter than the 24-byte"
            + " minimum");
  }
}
