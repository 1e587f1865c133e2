package dev.learnedcost.calcite;

import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The one place that chains our handlers in front of {@link DefaultRelMetadataProvider}, and
 * the one place that installs them on a cluster.
 *
 * <p>The chained provider is compiled by Janino; {@link LoraCostModel#metadataProvider()} builds
 * it once per model and reuses it (a new provider per query costs about 25 ms of compilation).
 * Installing sets the cluster's metadata query supplier and drops its cached query; setting a
 * metadata provider on the cluster instead does nothing on the {@code jdbc:calcite:} path (the
 * standard program resets it), see CALCITE-NOTES.
 */
public final class LoraMetadataProvider {
  private LoraMetadataProvider() {}

  /** Builds the chained provider of a model (call {@link LoraCostModel#metadataProvider()}). */
  static JaninoRelMetadataProvider build(LoraCostModel model) {
    return JaninoRelMetadataProvider.of(chain(model));
  }

  /** Returns our handlers chained in front of the default provider (not compiled). */
  public static RelMetadataProvider chain(LoraCostModel model) {
    return ChainedRelMetadataProvider.of(List.of(
        ReflectiveRelMetadataProvider.reflectiveSource(
            new LoraMdRowCount(model), BuiltInMetadata.RowCount.Handler.class),
        ReflectiveRelMetadataProvider.reflectiveSource(
            new LoraMdNonCumulativeCost(model), BuiltInMetadata.NonCumulativeCost.Handler.class),
        DefaultRelMetadataProvider.INSTANCE));
  }

  /** Returns a supplier of metadata queries backed by the model's compiled provider. */
  public static Supplier<RelMetadataQuery> querySupplier(LoraCostModel model) {
    JaninoRelMetadataProvider provider = model.metadataProvider();
    return () -> new RelMetadataQuery(provider);
  }

  /**
   * Makes {@code cluster} answer row count and cost through the model; does nothing while the
   * model plans stock on this thread ({@link LoraCostModel#stockPlanning()}).
   */
  public static void install(RelOptCluster cluster, LoraCostModel model) {
    if (model.isStockPlanning()) {
      return;
    }
    cluster.setMetadataQuerySupplier(querySupplier(model));
    cluster.invalidateMetadataQuery();
  }

  /** {@link #install(RelOptCluster, LoraCostModel)} on the cluster of {@code rel}. */
  public static void install(RelNode rel, LoraCostModel model) {
    install(rel.getCluster(), model);
  }
}
