package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.tpcds.TpcdsGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The 24 TPC-DS tables of {@link TpcdsGenerator} as H2 table sources: upper-case names, the
 * generator's keys and foreign-key indexes, every non-key column nullable.
 */
public final class TpcdsTables {
  private TpcdsTables() {}

  /**
   * Returns the tables in creation order at a scale (validated by the caller). When
   * {@code compact}, the fixed-size dimensions come last and keep only the rows the tables
   * before them reference ({@link TpcdsGenerator.References}, collected as those are generated).
   */
  public static List<TableSource> tables(double scale, boolean compact) {
    List<TableSource> sources = new ArrayList<>();
    List<TableSource> compacted = new ArrayList<>();
    TpcdsGenerator.References references = new TpcdsGenerator.References();
    for (TpcdsGenerator.Table table : TpcdsGenerator.tables()) {
      String name = table.name();
      if (!compact) {
        sources.add(source(table, scale, sink -> TpcdsGenerator.generate(name, scale,
            sink::accept)));
      } else if (TpcdsGenerator.COMPACTED.contains(name)) {
        compacted.add(source(table, scale, sink -> TpcdsGenerator.generate(name, scale, row -> {
          if (references.test(name, row)) {
            sink.accept(row);
          }
        })));
      } else {
        sources.add(source(table, scale, sink -> TpcdsGenerator.generate(name, scale, row -> {
          references.observe(name, row);
          sink.accept(row);
        })));
      }
    }
    sources.addAll(compacted);
    return sources;
  }

  private static TableSource source(TpcdsGenerator.Table table, double scale,
      TableSource.Generator generator) {
    List<ColumnDefinition> columns = new ArrayList<>();
    for (TpcdsGenerator.Column c : table.columns()) {
      ColumnKind kind = switch (c.type()) {
        case BIGINT -> ColumnKind.BIGINT;
        case INTEGER -> ColumnKind.INTEGER;
        case DECIMAL -> ColumnKind.DECIMAL;
        case DATE -> ColumnKind.DATE;
        case VARCHAR -> ColumnKind.VARCHAR;
      };
      columns.add(new ColumnDefinition(c.name(), kind, c.sqlType(),
          !table.primaryKey().contains(c.name())));
    }
    String name = table.name().toUpperCase(Locale.ROOT);
    List<IndexDefinition> indexes = new ArrayList<>();
    for (List<String> index : table.indexes()) {
      indexes.add(new IndexDefinition("IDX_" + name + "_" + String.join("_", index)
          .toUpperCase(Locale.ROOT), index));
    }
    TableDefinition definition = new TableDefinition(name, columns, table.primaryKey(), indexes);
    return TableSource.of(definition, TpcdsGenerator.plannedRows(table.name(), scale),
        generator);
  }
}
