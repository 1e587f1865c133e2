package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creation, reuse and rebuild of demo databases. Uses the skew data set at its smallest size
 * (5,000 sales) so that every rebuild takes well under a second.
 */
class DemoDatabaseTest {

  private static final SkewDataset TINY = new SkewDataset(SkewDataset.MIN_SIZE_FACTOR, 7);

  @TempDir
  Path dir;

  /** Records every progress event. */
  private static final class Recorder implements LoadProgressListener {
    final List<long[]> rows = new ArrayList<>();
    final List<String> tables = new ArrayList<>();
    final List<String> phases = new ArrayList<>();

    @Override
    public void rowsLoaded(String table, long rowsDone, long rowsTotal) {
      tables.add(table);
      rows.add(new long[] {rowsDone, rowsTotal});
    }

    @Override
    public void phaseStarted(String phase) {
      phases.add(phase);
    }
  }

  private static void execute(DemoDatabase db, String sql) throws SQLException {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static long count(DemoDatabase db, String table) throws SQLException {
    try (Connection connection = db.connect(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void assertIntact(DemoDatabase db) throws SQLException {
    for (Map.Entry<String, Long> e : TINY.rowCounts().entrySet()) {
      assertEquals(e.getValue(), count(db, e.getKey()), "rows in " + e.getKey());
    }
  }

  @Test
  void open_noFile_createsAndReportsWhy() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.CREATED, db.openReport().action());
      assertTrue(db.openReport().reason().startsWith("there is no database file "),
          db.openReport().reason());
      assertEquals(dir.toAbsolutePath().resolve("skew.mv.db"), db.databaseFile());
      assertTrue(Files.exists(db.databaseFile()));
      assertEquals(TINY.rowCounts(), db.manifest().rowCounts());
      assertIntact(db);
    }
  }

  @Test
  void open_twice_reusesWithoutRegenerating() throws Exception {
    DatasetManifest first;
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      first = db.manifest();
    }
    Recorder second = new Recorder();
    try (DemoDatabase db = DemoDatabase.open(dir, TINY, second)) {
      assertEquals(DemoDatabase.Action.REUSED, db.openReport().action());
      assertEquals(first, db.manifest(), "the manifest, creation time included, is unchanged");
      assertIntact(db);
    }
    assertTrue(second.rows.isEmpty(), "no row was generated on reuse: " + second.tables);
    assertTrue(second.phases.isEmpty(), "no load phase ran on reuse: " + second.phases);
  }

  @Test
  void open_progress_reportsEveryTableUpToItsRowCount() throws Exception {
    Recorder recorder = new Recorder();
    try (DemoDatabase db = DemoDatabase.open(dir, TINY, recorder)) {
      Map<String, Long> last = new LinkedHashMap<>();
      Map<String, Long> previous = new LinkedHashMap<>();
      for (int i = 0; i < recorder.rows.size(); i++) {
        String table = recorder.tables.get(i);
        long done = recorder.rows.get(i)[0];
        long total = recorder.rows.get(i)[1];
        assertTrue(done >= previous.getOrDefault(table, 0L), "progress never goes back");
        assertTrue(done <= total, table + ": " + done + " > " + total);
        boolean finalCall = i + 1 == recorder.rows.size()
            || !recorder.tables.get(i + 1).equals(table);
        assertEquals(finalCall, done == total, table + " event " + i + ": " + done + "/" + total);
        previous.put(table, done);
        last.put(table, done);
      }
      assertEquals(db.manifest().rowCounts(), last);
      assertEquals(List.of("create indexes", "analyze", "verify"), recorder.phases);
    }
  }

  @Test
  void open_afterTableDropped_rebuilds() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      execute(db, "DROP TABLE CITY");
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().endsWith("table CITY is missing"),
          db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_afterRowsDeleted_rebuilds() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      execute(db, "DELETE FROM SALES WHERE SA_ID <= 3");
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().endsWith(
          "table SALES holds 4997 rows, its manifest records 5000"), db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_afterIndexDropped_rebuilds() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      execute(db, "DROP INDEX IDX_SALES_CUSTOMER");
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().endsWith("index IDX_SALES_CUSTOMER on SALES is missing"),
          db.openReport().reason());
    }
  }

  @Test
  void open_loadThatDidNotFinish_rebuilds() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      // A load interrupted before its last step leaves the manifest tables empty.
      execute(db, "DELETE FROM LEARNEDCOST_META.MANIFEST");
      execute(db, "DELETE FROM LEARNEDCOST_META.TABLE_ROWS");
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().endsWith(
          "its manifest is empty: the previous load did not finish"), db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_foreignDatabase_rebuilds() throws Exception {
    Files.createDirectories(dir);
    try (Connection connection = java.sql.DriverManager.getConnection(
        "jdbc:h2:file:" + dir.toAbsolutePath().resolve("skew"), DemoDatabase.USER,
        DemoDatabase.PASSWORD); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE SALES (X INT)");
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().contains("it has no manifest"),
          db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_databaseOfAnotherUser_throwsAndKeepsIt() throws Exception {
    Files.createDirectories(dir);
    try (Connection connection = java.sql.DriverManager.getConnection(
        "jdbc:h2:file:" + dir.toAbsolutePath().resolve("skew"), "SOMEONE", "secret")) {
      assertFalse(connection.isClosed());
    }
    Path file = dir.toAbsolutePath().resolve("skew.mv.db");
    SQLException e = assertThrows(SQLException.class, () -> DemoDatabase.open(dir, TINY));
    assertEquals("database file " + file + " was not created by this demo (H2 rejects user sa);"
        + " pass another directory", e.getMessage());
    assertTrue(Files.exists(file), "someone else's database is left alone");
  }

  @Test
  void open_otherParameters_rebuildsWithRequestedOnes() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.CREATED, db.openReport().action());
    }
    SkewDataset otherSeed = new SkewDataset(TINY.sizeFactor(), 8);
    try (DemoDatabase db = DemoDatabase.open(dir, otherSeed)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().endsWith(
          "it was generated with size=0.01,seed=7, requested size=0.01,seed=8"),
          db.openReport().reason());
      assertEquals("size=0.01,seed=8", db.manifest().parameters());
    }
  }

  @Test
  void open_rebuildWhileAnotherInstanceHoldsIt_refused() throws Exception {
    try (DemoDatabase first = DemoDatabase.open(dir, TINY)) {
      try (DemoDatabase shared = DemoDatabase.open(dir, TINY)) {
        assertEquals(DemoDatabase.Action.REUSED, shared.openReport().action());
      }
      assertIntact(first);
      SkewDataset otherSeed = new SkewDataset(TINY.sizeFactor(), 8);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> DemoDatabase.open(dir, otherSeed));
      assertTrue(e.getMessage().endsWith(
          ", but another DemoDatabase in this JVM has it open; close that one first"),
          e.getMessage());
      assertIntact(first);
    }
    try (DemoDatabase db = DemoDatabase.open(dir, new SkewDataset(TINY.sizeFactor(), 8))) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
    }
  }

  @Test
  void close_twice_isHarmless() throws Exception {
    DemoDatabase db = DemoDatabase.open(dir, TINY);
    db.close();
    db.close();
    try (DemoDatabase again = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REUSED, again.openReport().action());
    }
  }

  @Test
  void open_truncatedFile_rebuilds() throws Exception {
    Path file;
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      file = db.databaseFile();
    }
    long size = Files.size(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action(),
          db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_overwrittenFile_rebuildsAndSaysH2CannotOpenIt() throws Exception {
    Path file;
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      file = db.databaseFile();
    }
    byte[] garbage = new byte[(int) Files.size(file)];
    new SplittableRandom(1).nextBytes(garbage);
    Files.write(file, garbage);
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertEquals(DemoDatabase.Action.REBUILT, db.openReport().action());
      assertTrue(db.openReport().reason().startsWith("H2 cannot open " + file + ": "),
          db.openReport().reason());
      assertIntact(db);
    }
  }

  @Test
  void open_directoryIsAFile_throwsNamingIt() throws IOException {
    Path notADirectory = Files.createFile(dir.resolve("plain-file"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DemoDatabase.open(notADirectory, TINY));
    assertEquals("directory must be a directory, got the file " + notADirectory.toAbsolutePath(),
        e.getMessage());
  }

  @Test
  void open_directoryWithSemicolon_throwsNamingIt() {
    Path bad = dir.resolve("a;b");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DemoDatabase.open(bad, TINY));
    assertEquals("directory must not contain ';' (it would end the H2 URL), got "
        + bad.toAbsolutePath() + "; pass another directory", e.getMessage());
    assertFalse(Files.exists(bad));
  }

  @Test
  void connect_afterClose_throws() throws Exception {
    DemoDatabase db = DemoDatabase.open(dir, TINY);
    db.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, db::connect);
    assertTrue(e.getMessage().endsWith(" was closed; open it again with DemoDatabase.open"),
        e.getMessage());
  }

  @Test
  void jdbcUrl_disablesResultReuseWithASettingH2Knows() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      assertTrue(db.jdbcUrl().endsWith(";OPTIMIZE_REUSE_RESULTS=FALSE"), db.jdbcUrl());
      try (Connection connection = db.connect()) {
        assertFalse(connection.isClosed());
      }
    }
    // H2 rejects URL settings it does not know, so the accepted one above is in effect.
    SQLException e = assertThrows(SQLException.class, () -> java.sql.DriverManager.getConnection(
        "jdbc:h2:mem:misspelt;OPTIMIZE_REUSE_RESULTZ=FALSE", DemoDatabase.USER,
        DemoDatabase.PASSWORD));
    assertTrue(e.getMessage().contains("OPTIMIZE_REUSE_RESULTZ"), e.getMessage());
  }

  @Test
  void dataSource_seesTheTablesUnqualified() throws Exception {
    try (DemoDatabase db = DemoDatabase.open(dir, TINY)) {
      DataSource source = db.dataSource();
      try (Connection connection = source.getConnection();
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM country")) {
        rs.next();
        assertEquals(50, rs.getLong(1));
      }
    }
  }
}
