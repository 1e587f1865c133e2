package dev.learnedcost.calcite.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * Tiny generated tables as CSV files, and the batch TableEnvironments the Flink tests use.
 *
 * <ul>
 *   <li>{@code fact(id, k, v)}: {@value #FACT_ROWS} rows, {@code id = i}, {@code k = i % 10},
 *       {@code v = i % 7}
 *   <li>{@code dim(k, name)}: {@value #DIM_ROWS} rows, {@code k = 0..9}, {@code name = 'n' + k % 4}
 *   <li>{@code tag(id, label)}: {@value #TAG_ROWS} rows, {@code id = 5 i}, {@code label = i % 3}
 * </ul>
 * No statistics: Flink estimates each at 1e8 rows.
 */
final class TestTables {
  static final int FACT_ROWS = 2000;
  static final int DIM_ROWS = 10;
  static final int TAG_ROWS = 300;

  private TestTables() {}

  /** A MiniCluster of one task manager with two slots, reporting to our metrics reporter. */
  static MiniClusterExtension cluster() {
    Configuration conf = LoraFlink.addMetricsReporter(new Configuration());
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1)
        .setNumberSlotsPerTaskManager(2)
        .setConfiguration(conf)
        .build());
  }

  static int factK(int id) {
    return id % 10;
  }

  static int factV(int id) {
    return id % 7;
  }

  static String dimName(int k) {
    return "n" + (k % 4);
  }

  static int tagId(int i) {
    return 5 * i;
  }

  /** Writes the three tables under {@code dir}. */
  static void write(Path dir) throws IOException {
    List<String> fact = new ArrayList<>();
    for (int i = 0; i < FACT_ROWS; i++) {
      fact.add(i + "," + factK(i) + "," + factV(i));
    }
    List<String> dim = new ArrayList<>();
    for (int k = 0; k < DIM_ROWS; k++) {
      dim.add(k + "," + dimName(k));
    }
    List<String> tag = new ArrayList<>();
    for (int i = 0; i < TAG_ROWS; i++) {
      tag.add(tagId(i) + ",l" + (i % 3));
    }
    writeTable(dir.resolve("fact"), fact);
    writeTable(dir.resolve("dim"), dim);
    writeTable(dir.resolve("tag"), tag);
  }

  private static void writeTable(Path tableDir, List<String> lines) throws IOException {
    Files.createDirectories(tableDir);
    Files.write(tableDir.resolve("part-0.csv"), lines);
  }

  /**
   * A batch TableEnvironment at parallelism 2 with the pinned settings and the three tables
   * plus a blackhole sink {@code sink(name STRING, c BIGINT)}.
   */
  static TableEnvironment environment(Path dir) {
    TableEnvironment t = TableEnvironment.create(EnvironmentSettings.inBatchMode());
    t.getConfig().set("parallelism.default", "2");
    FlinkSettings.apply(t.getConfig());
    t.executeSql("CREATE TABLE fact (id INT, k INT, v INT) WITH ('connector' = 'filesystem', "
        + "'path' = '" + dir.resolve("fact").toUri() + "', 'format' = 'csv')");
    t.executeSql("CREATE TABLE dim (k INT, name STRING) WITH ('connector' = 'filesystem', "
        + "'path' = '" + dir.resolve("dim").toUri() + "', 'format' = 'csv')");
    t.executeSql("CREATE TABLE tag (id INT, label STRING) WITH ('connector' = 'filesystem', "
        + "'path' = '" + dir.resolve("tag").toUri() + "', 'format' = 'csv')");
    t.executeSql("CREATE TABLE sink (name STRING, c BIGINT) WITH ('connector' = 'blackhole')");
    return t;
  }
}
