package dev.learnedcost.calcite.flink;

import java.util.List;
import java.util.Objects;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.flink.table.planner.plan.metadata.FlinkDefaultRelMetadataProvider;

/**
 * Our metadata handlers for Flink, and Flink's own handlers that give their base estimates.
 *
 * <p>{@link #handlers} builds the row-count and cost handlers of one {@link FlinkCorrection};
 * {@link LoraFlink#install} chains them in front of Flink's provider. Build them once per
 * correction and reuse them: Calcite compiles a metadata dispatcher per distinct provider with
 * Janino, which a new provider per query would repeat.
 */
public final class FlinkMetadata {
  /**
   * Flink's own handlers, compiled once. {@code revise}, not {@code handler}: in Calcite 1.36 a
   * handler obtained with {@code JaninoRelMetadataProvider.handler(..)} is a proxy that always
   * throws {@code NoHandler}, and a metadata call on it retries forever at full CPU.
   */
  private static final class Flink {
    static final JaninoRelMetadataProvider PROVIDER =
        JaninoRelMetadataProvider.of(FlinkDefaultRelMetadataProvider.INSTANCE());
    static final BuiltInMetadata.RowCount.Handler ROW_COUNT =
        PROVIDER.revise(BuiltInMetadata.RowCount.Handler.class);
    static final BuiltInMetadata.NonCumulativeCost.Handler NON_CUMULATIVE_COST =
        PROVIDER.revise(BuiltInMetadata.NonCumulativeCost.Handler.class);
  }

  private static final CorrectionFallbacks FALLBACKS = new CorrectionFallbacks();

  private FlinkMetadata() {}

  /**
   * Returns the row-count and cost handlers that multiply Flink's estimates by
   * {@code correction}'s factors, as one provider without Flink's (for {@link LoraFlink#install}).
   */
  public static RelMetadataProvider handlers(FlinkCorrection correction) {
    Objects.requireNonNull(correction, "correction");
    return ChainedRelMetadataProvider.of(List.of(
        ReflectiveRelMetadataProvider.reflectiveSource(
            new FlinkMdRowCount(flinkRowCount(), correction, FALLBACKS),
            BuiltInMetadata.RowCount.Handler.class),
        ReflectiveRelMetadataProvider.reflectiveSource(
            new FlinkMdNonCumulativeCost(flinkNonCumulativeCost(), correction, FALLBACKS),
            BuiltInMetadata.NonCumulativeCost.Handler.class)));
  }

  /** Flink's own row-count handler: the base of the row correction. */
  public static BuiltInMetadata.RowCount.Handler flinkRowCount() {
    return Flink.ROW_COUNT;
  }

  /** Flink's own non-cumulative cost handler: the base of the cost correction. */
  public static BuiltInMetadata.NonCumulativeCost.Handler flinkNonCumulativeCost() {
    return Flink.NON_CUMULATIVE_COST;
  }

  /**
   * Returns how many corrections failed or returned an invalid factor, in this JVM, so that
   * Flink's estimate was used instead.
   */
  public static long fallbacks() {
    return FALLBACKS.count();
  }
}
