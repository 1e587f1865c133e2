package dev.learnedcost.examples.flink;

import dev.learnedcost.calcite.flink.FlinkInstallation;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultTable;
import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.sql.JDBCType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.CompiledPlan;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;

/**
 * One demo engine on Flink: a batch table environment with the demo's tables, planning stock
 * (as a user gets Flink, with the pinned settings), with {@code ANALYZE TABLE} statistics, or
 * with the learned runtime installed. Every query runs as {@code INSERT INTO} a collecting sink
 * ({@link CollectSink}), compiled and executed ({@code compilePlanSql}), which is how the learned
 * engine measures every plan node; the other engines run the same way, so that all three pay
 * the same path. Not thread-safe.
 */
final class FlinkSession {
  private final Engine engine;
  private final TableEnvironment tEnv;
  private final FlinkInstallation installation;
  private final Map<String, Sink> sinks = new HashMap<>();

  /** A query's sink: its table name and the result's columns. */
  private record Sink(String table, String id, List<ResultTable.Column> columns) {}

  /**
   * Creates a session.
   *
   * @param installation the learned runtime installed on {@code tEnv} ({@link Engine#FLINK_LEARNED}),
   *     else null
   */
  FlinkSession(Engine engine, TableEnvironment tEnv, FlinkInstallation installation) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.tEnv = Objects.requireNonNull(tEnv, "tEnv");
    if ((engine == Engine.FLINK_LEARNED) != (installation != null)) {
      throw new IllegalArgumentException("an installation is required exactly for "
          + Engine.FLINK_LEARNED.label() + ", got engine " + engine.label());
    }
    this.installation = installation;
  }

  Engine engine() {
    return engine;
  }

  TableEnvironment tableEnvironment() {
    return tEnv;
  }

  /** The statement a query runs as: {@code INSERT INTO} its collecting sink. */
  String insert(String dataset, Query q) {
    return "INSERT INTO " + sink(dataset, q).table() + " " + q.sql();
  }

  /**
   * Runs one query: plans (through the regression guard when learned), executes, waits at most
   * {@code timeout} (the job is cancelled then), and reads the result.
   */
  QueryRun run(int round, String dataset, Query q, Duration timeout) {
    long start = System.nanoTime();
    try {
      tEnv.useDatabase(FlinkTables.database(dataset));
      Sink sink = sink(dataset, q);
      String insert = "INSERT INTO " + sink.table() + " " + q.sql();
      CollectSink.clear(sink.id());
      if (installation != null) {
        installation.run(insert, timeout);
      } else {
        execute(insert, timeout);
      }
      double ms = (System.nanoTime() - start) / 1e6;
      ResultTable result = table(sink.columns(), CollectSink.take(sink.id()));
      return new QueryRun(round, dataset, q.name(), engine, QueryRun.Status.OK, ms, result,
          ResultComparator.hash(result, q.ordered()), null);
    } catch (TimeoutException e) {
      return failed(round, dataset, q, QueryRun.Status.TIMEOUT, start,
          "timed out after " + timeout.toSeconds() + " s (the job was cancelled)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(round, dataset, q, QueryRun.Status.FAILED, start, "interrupted");
    } catch (ExecutionException | RuntimeException e) {
      return failed(round, dataset, q, QueryRun.Status.FAILED, start, describe(e));
    }
  }

  private QueryRun failed(int round, String dataset, Query q, QueryRun.Status status,
      long start, String error) {
    return new QueryRun(round, dataset, q.name(), engine, status,
        (System.nanoTime() - start) / 1e6, null, null, error);
  }

  /** Compiles, executes and awaits a statement without the plugin. */
  private void execute(String insert, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    CompiledPlan plan = tEnv.compilePlanSql(insert);
    TableResult result = plan.execute();
    try {
      result.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.getJobClient().ifPresent(JobClient::cancel);
      throw e;
    }
  }

  /** The query's collecting sink, created on first use with the query's result schema. */
  private Sink sink(String dataset, Query q) {
    String key = dataset + "/" + q.name();
    Sink s = sinks.get(key);
    if (s != null) {
      return s;
    }
    tEnv.useDatabase(FlinkTables.database(dataset));
    ResolvedSchema schema = tEnv.sqlQuery(q.sql()).getResolvedSchema();
    Schema.Builder sinkSchema = Schema.newBuilder();
    List<ResultTable.Column> columns = new ArrayList<>();
    List<Column> resultColumns = schema.getColumns();
    for (int i = 0; i < resultColumns.size(); i++) {
      Column c = resultColumns.get(i);
      sinkSchema.column("c" + i, c.getDataType());
      columns.add(column(c));
    }
    String table = "result_" + (dataset + "_" + q.name()).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9_]", "_");
    String id = engine.label() + "/" + key;
    tEnv.createTemporaryTable("default_catalog." + FlinkTables.database(dataset) + "." + table,
        TableDescriptor.forConnector(CollectSink.IDENTIFIER).schema(sinkSchema.build())
            .option(CollectSink.ID, id).build());
    s = new Sink(table, id, columns);
    sinks.put(key, s);
    return s;
  }

  private static ResultTable.Column column(Column c) {
    LogicalType type = c.getDataType().getLogicalType();
    JDBCType jdbc = switch (type.getTypeRoot()) {
      case BIGINT -> JDBCType.BIGINT;
      case INTEGER -> JDBCType.INTEGER;
      case SMALLINT -> JDBCType.SMALLINT;
      case TINYINT -> JDBCType.TINYINT;
      case DECIMAL -> JDBCType.DECIMAL;
      case DOUBLE -> JDBCType.DOUBLE;
      case FLOAT -> JDBCType.REAL;
      case CHAR -> JDBCType.CHAR;
      case VARCHAR -> JDBCType.VARCHAR;
      case BOOLEAN -> JDBCType.BOOLEAN;
      case DATE -> JDBCType.DATE;
      case TIMESTAMP_WITHOUT_TIME_ZONE -> JDBCType.TIMESTAMP;
      default -> JDBCType.OTHER;
    };
    int scale = type instanceof DecimalType d ? d.getScale() : 0;
    return new ResultTable.Column(c.getName().toUpperCase(Locale.ROOT), jdbc, scale);
  }

  private static ResultTable table(List<ResultTable.Column> columns, List<Row> rows) {
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Object[] v = new Object[r.getArity()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.getField(i);
      }
      values.add(Arrays.asList(v));
    }
    return new ResultTable(columns, values);
  }

  /** The innermost message of a failure, one line. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
    String first = m.lines().findFirst().orElse(m);
    return first.length() > 300 ? first.substring(0, 300) + "..." : first;
  }
}
