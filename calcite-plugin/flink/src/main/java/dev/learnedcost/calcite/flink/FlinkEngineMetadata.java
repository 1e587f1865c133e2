package dev.learnedcost.calcite.flink;

import dev.learnedcost.calcite.EngineMetadata;
import java.util.Objects;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.metadata.RelMetadataQueryBase;
import org.apache.flink.table.planner.plan.metadata.FlinkRelMetadataQuery;

/**
 * Flink's metadata queries outside planning, for the runtime's traces
 * ({@code runtime.trace(root, mode, engineMetadata)}): a {@link FlinkRelMetadataQuery} over the
 * installation's provider (our handlers in front of Flink's) or over Flink's provider alone.
 *
 * <p>Never a plain {@code RelMetadataQuery}: Flink's handlers call
 * {@code FlinkRelMetadataQuery.reuseOrCreate(mq)}, which replaces any other query with a new one
 * built from {@code RelMetadataQueryBase.THREAD_PROVIDERS}, and the trace would then read
 * another query than the one it made. A {@code FlinkRelMetadataQuery} takes its provider from
 * {@code THREAD_PROVIDERS} when it is constructed, so each query is made with the wanted
 * provider set on this thread for the moment of construction, and the thread's previous value
 * restored.
 */
final class FlinkEngineMetadata implements EngineMetadata {
  private final JaninoRelMetadataProvider learned;

  FlinkEngineMetadata(JaninoRelMetadataProvider learned) {
    this.learned = Objects.requireNonNull(learned, "learned");
  }

  @Override
  public RelMetadataQuery learnedQuery() {
    return query(learned);
  }

  @Override
  public RelMetadataQuery stockQuery() {
    return query(FlinkMetadata.flinkProvider());
  }

  @SuppressWarnings("deprecation") // THREAD_PROVIDERS: how Flink's queries find their provider
  private static RelMetadataQuery query(JaninoRelMetadataProvider provider) {
    JaninoRelMetadataProvider before = RelMetadataQueryBase.THREAD_PROVIDERS.get();
    RelMetadataQueryBase.THREAD_PROVIDERS.set(provider);
    try {
      return FlinkRelMetadataQuery.instance();
    } finally {
      if (before == null) {
        RelMetadataQueryBase.THREAD_PROVIDERS.remove();
      } else {
        RelMetadataQueryBase.THREAD_PROVIDERS.set(before);
      }
    }
  }
}
