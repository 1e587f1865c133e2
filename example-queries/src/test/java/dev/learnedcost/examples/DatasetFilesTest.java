package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data sets written as CSV files: the format, the manifest, reuse and rewriting. */
class DatasetFilesTest {
  @TempDir
  Path dir;

  @Test
  void field_quotesStrings_writesNumbersPlain_andNullEmpty() {
    StringBuilder line = new StringBuilder();
    for (Object v : new Object[] {"a \"b\", c", new BigDecimal("1E+3"), 42L,
        LocalDate.of(1995, 3, 15), null}) {
      DatasetFiles.field(line, v);
      line.append(',');
    }
    assertEquals("\"a \"\"b\"\", c\",1000,42,1995-03-15,,", line.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DatasetFiles.field(new StringBuilder(), new Object()));
    assertTrue(e.getMessage().contains("cannot write"), e.getMessage());
  }

  @Test
  void open_writesEveryTable_thenReusesThem_andRewritesADamagedFile() throws Exception {
    TpchDataset tpch = new TpchDataset(0.001);
    DatasetFiles first = DatasetFiles.open(dir, tpch, LoadProgressListener.NONE);
    assertEquals(DemoDatabase.Action.CREATED, first.openReport().action());
    assertEquals(tpch.tableNames(), first.tables().stream().map(DatasetFiles.Table::name)
        .toList());
    DatasetFiles.Table nation = first.tables().stream()
        .filter(t -> t.name().equals("NATION")).findFirst().orElseThrow();
    List<String> lines = Files.readAllLines(nation.directory().resolve(DatasetFiles.DATA_FILE),
        StandardCharsets.UTF_8);
    assertEquals(25, lines.size());
    assertEquals(25, nation.rows());
    assertTrue(lines.get(0).startsWith("0,\"ALGERIA\",0,"), lines.get(0));

    DatasetFiles again = DatasetFiles.open(dir, tpch, LoadProgressListener.NONE);
    assertEquals(DemoDatabase.Action.REUSED, again.openReport().action());
    assertEquals(first.tables().stream().map(DatasetFiles.Table::rows).toList(),
        again.tables().stream().map(DatasetFiles.Table::rows).toList());

    Files.writeString(nation.directory().resolve(DatasetFiles.DATA_FILE), "damaged\n");
    DatasetFiles rewritten = DatasetFiles.open(dir, tpch, LoadProgressListener.NONE);
    assertEquals(DemoDatabase.Action.REBUILT, rewritten.openReport().action());
    String reason = rewritten.openReport().reason();
    assertTrue(reason.contains("nation") && reason.contains("bytes"), reason);
    assertEquals(25,
        Files.readAllLines(nation.directory().resolve(DatasetFiles.DATA_FILE)).size());
  }
}
