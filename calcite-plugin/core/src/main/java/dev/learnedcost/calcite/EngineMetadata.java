package dev.learnedcost.calcite;

import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * How an engine with its own metadata makes metadata queries, for
 * {@link LoraRuntime#trace(org.apache.calcite.rel.RelNode, LoraMode, EngineMetadata)}: the engine
 * adapter's part of the engine SPI (with {@link EngineCorrections} and {@link ScopeMapping}).
 * Calcite itself needs none: its queries are the runtime's own.
 *
 * <p>Flink, for example: its handlers call {@code FlinkRelMetadataQuery.reuseOrCreate(mq)}, which
 * rebuilds a query from {@code RelMetadataQueryBase.THREAD_PROVIDERS}, so its learned query is
 * {@code FlinkRelMetadataQuery.instance()} with the thread's providers set to the chain the
 * adapter installed, and its stock query the same over Flink's own provider.
 */
public interface EngineMetadata {
  /**
   * Returns a new metadata query over the engine's provider with the plugin's handlers in front
   * (whose corrections come from {@link EngineCorrections}): nothing cached, so every handler
   * runs again for the trace.
   */
  RelMetadataQuery learnedQuery();

  /** Returns a new metadata query over the engine's own provider alone (its stock estimates). */
  RelMetadataQuery stockQuery();
}
