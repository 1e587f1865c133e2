package dev.learnedcost.examples.flink;

import dev.learnedcost.examples.DatasetFiles;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;

/**
 * A data set's files as Flink tables: one catalog database per data set (named after it), one
 * {@code filesystem} table in {@code csv} format per file, table and column names in lower
 * case (Flink matches unquoted identifiers case-sensitively, and the demo's queries write them
 * in lower case).
 */
final class FlinkTables {
  private FlinkTables() {}

  /** Returns the Flink database of a data set: its name. */
  static String database(String dataset) {
    return dataset.toLowerCase(Locale.ROOT);
  }

  /** Creates the data set's database and tables in {@code t}. */
  static void register(TableEnvironment t, DatasetFiles files) {
    String db = database(files.dataset().name());
    t.executeSql("CREATE DATABASE IF NOT EXISTS " + db);
    for (DatasetFiles.Table table : files.tables()) {
      String columns = table.columns().stream()
          .map(c -> c.name().toLowerCase(Locale.ROOT) + " " + c.sqlType()
              + (c.nullable() ? "" : " NOT NULL"))
          .collect(Collectors.joining(", "));
      t.executeSql("CREATE TABLE " + db + "." + table.name().toLowerCase(Locale.ROOT) + " ("
          + columns + ") WITH ('connector' = 'filesystem', 'path' = '"
          + table.directory().toUri() + "', 'format' = 'csv')");
    }
  }

  /**
   * Computes table and column statistics of every table with {@code ANALYZE TABLE ... COMPUTE
   * STATISTICS FOR ALL COLUMNS} (one job per table) and stores them in the catalog, where
   * Flink's planner reads them.
   */
  static void analyze(TableEnvironment t, DatasetFiles files) throws Exception {
    String db = database(files.dataset().name());
    for (DatasetFiles.Table table : files.tables()) {
      t.executeSql("ANALYZE TABLE " + db + "." + table.name().toLowerCase(Locale.ROOT)
          + " COMPUTE STATISTICS FOR ALL COLUMNS").await();
    }
  }
}
