package dev.learnedcost.calcite.internal;

import java.util.List;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The one place that chains our handlers in front of Calcite's {@link DefaultRelMetadataProvider},
 * and the one place that installs them on a cluster.
 *
 * <p>The chain is compiled by Janino once per JVM (on first use) and shared by every runtime:
 * a runtime's model and mode reach the handlers through the {@link Binding} of the metadata
 * query ({@link LoraMetadataQuery}), so opening a runtime compiles nothing (a new provider costs
 * about 25 ms of compilation per metadata kind, and Calcite keeps every compiled provider in a
 * static cache of up to 1,000 handlers, holding the handlers' references).
 *
 * <p>Installing sets the cluster's metadata query supplier and drops its cached query; setting a
 * metadata provider on the cluster instead does nothing on the {@code jdbc:calcite:} path (the
 * standard program resets it), see CALCITE-NOTES.
 */
public final class CalciteMetadata {
  private CalciteMetadata() {}

  /** Compiled lazily, on the first planning with a learned model. */
  private static final class Holder {
    static final JaninoRelMetadataProvider STOCK = JaninoRelMetadataProvider.DEFAULT;
    static final JaninoRelMetadataProvider LEARNED = JaninoRelMetadataProvider.of(
        ChainedRelMetadataProvider.of(List.of(
            ReflectiveRelMetadataProvider.reflectiveSource(
                new LoraMdRowCount(STOCK.revise(BuiltInMetadata.RowCount.Handler.class)),
                BuiltInMetadata.RowCount.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(
                new LoraMdNonCumulativeCost(
                    STOCK.revise(BuiltInMetadata.NonCumulativeCost.Handler.class)),
                BuiltInMetadata.NonCumulativeCost.Handler.class),
            DefaultRelMetadataProvider.INSTANCE)));
  }

  /** Returns a metadata query that answers row count and cost for {@code binding}. */
  public static RelMetadataQuery query(Binding binding) {
    return new LoraMetadataQuery(Holder.LEARNED, binding);
  }

  /** Returns a metadata query of stock Calcite. */
  public static RelMetadataQuery stockQuery() {
    return new RelMetadataQuery(Holder.STOCK);
  }

  /** Makes {@code cluster} answer row count and cost through {@code binding}. */
  public static void install(RelOptCluster cluster, Binding binding) {
    cluster.setMetadataQuerySupplier(() -> query(binding));
    cluster.invalidateMetadataQuery();
  }
}
