package dev.learnedcost.tests.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.jdbc.Driver;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMdRowCount;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rex.RexBuilder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Baseline (b) of the evaluation: stock Calcite told the true row count of every base table, as
 * a well-configured system with table statistics would be. Every other estimate (selectivities,
 * join sizes, group counts) is Calcite's own, computed from those counts.
 *
 * <p>Public because Janino-generated metadata code calls it.
 */
public final class TrueRowCounts extends RelMdRowCount {
  private final Map<String, Long> rowsByTable;

  private TrueRowCounts(Map<String, Long> rowsByTable) {
    this.rowsByTable = Map.copyOf(rowsByTable);
  }

  @Override
  public @Nullable Double getRowCount(TableScan rel, RelMetadataQuery mq) {
    List<String> name = rel.getTable().getQualifiedName();
    Long rows = rowsByTable.get(name.get(name.size() - 1).toUpperCase(Locale.ROOT));
    return rows != null ? Double.valueOf(rows) : super.getRowCount(rel, mq);
  }

  /**
   * Returns a {@code jdbc:calcite:} driver whose planners see {@code rowsByTable} (upper-case
   * table name to rows) as the base tables' row counts, with Calcite's stock cost model.
   */
  public static Driver driver(Map<String, Long> rowsByTable) {
    JaninoRelMetadataProvider provider = JaninoRelMetadataProvider.of(
        ChainedRelMetadataProvider.of(List.of(
            ReflectiveRelMetadataProvider.reflectiveSource(
                new TrueRowCounts(rowsByTable), BuiltInMetadata.RowCount.Handler.class),
            DefaultRelMetadataProvider.INSTANCE)));
    return new Driver().withPrepareFactory(() -> new CalcitePrepareImpl() {
      @Override
      protected RelOptCluster createCluster(RelOptPlanner planner, RexBuilder rexBuilder) {
        RelOptCluster cluster = super.createCluster(planner, rexBuilder);
        cluster.setMetadataQuerySupplier(() -> new RelMetadataQuery(provider));
        cluster.invalidateMetadataQuery();
        return cluster;
      }
    });
  }
}
