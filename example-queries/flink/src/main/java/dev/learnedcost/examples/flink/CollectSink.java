package dev.learnedcost.examples.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.RuntimeConverter;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.types.Row;

/**
 * A table sink that keeps a statement's result rows in this JVM, for the demo to compare across
 * modes (connector {@value #IDENTIFIER}, option {@code id}; registered as a
 * {@code org.apache.flink.table.factories.Factory} service). Only a cluster in this JVM (the demo's
 * MiniCluster) writes where {@link #take} reads.
 *
 * <p>The sink runs at parallelism 1, fed in order by Flink's final sort (itself at parallelism
 * 1), so an ordered result keeps its order. A statement writes through {@code INSERT INTO}, so
 * that it can be compiled ({@code compilePlanSql}) and measured node by node like any other job.
 */
public final class CollectSink implements DynamicTableSinkFactory {
  /** The connector name. */
  public static final String IDENTIFIER = "demo-collect";
  /** The key under which {@link #take} finds the rows. */
  public static final ConfigOption<String> ID =
      ConfigOptions.key("id").stringType().noDefaultValue()
          .withDescription("the key of the collected rows");

  private static final Map<String, List<Row>> RESULTS = new ConcurrentHashMap<>();

  /** Removes and returns the rows collected under {@code id} (empty when none arrived). */
  public static List<Row> take(String id) {
    List<Row> rows = RESULTS.remove(id);
    if (rows == null) {
      return List.of();
    }
    synchronized (rows) {
      return List.copyOf(rows);
    }
  }

  /** Drops what was collected under {@code id} (before a run that collects there again). */
  public static void clear(String id) {
    RESULTS.remove(id);
  }

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(ID);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of();
  }

  @Override
  public DynamicTableSink createDynamicTableSink(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    helper.validate();
    return new TableSink(helper.getOptions().get(ID),
        context.getCatalogTable().getResolvedSchema().toPhysicalRowDataType());
  }

  /** The planner's view of the sink. */
  private static final class TableSink implements DynamicTableSink {
    private final String id;
    private final org.apache.flink.table.types.DataType rowType;

    TableSink(String id, org.apache.flink.table.types.DataType rowType) {
      this.id = id;
      this.rowType = rowType;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
      return ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
      return SinkV2Provider.of(new Collector(id, context.createDataStructureConverter(rowType)), 1);
    }

    @Override
    public DynamicTableSink copy() {
      return new TableSink(id, rowType);
    }

    @Override
    public String asSummaryString() {
      return IDENTIFIER;
    }
  }

  /** The running sink: converts each row to a {@link Row} and appends it under its id. */
  private static final class Collector implements Sink<RowData> {
    private static final long serialVersionUID = 1L;
    private final String id;
    private final DynamicTableSink.DataStructureConverter converter;

    Collector(String id, DynamicTableSink.DataStructureConverter converter) {
      this.id = Objects.requireNonNull(id, "id");
      this.converter = Objects.requireNonNull(converter, "converter");
    }

    @Override
    public SinkWriter<RowData> createWriter(WriterInitContext context) {
      converter.open(RuntimeConverter.Context.create(Collector.class.getClassLoader()));
      List<Row> rows = RESULTS.computeIfAbsent(id, k -> new ArrayList<>());
      return new SinkWriter<>() {
        @Override
        public void write(RowData element, Context ctx) {
          Row row = (Row) converter.toExternal(element);
          synchronized (rows) {
            rows.add(row);
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
