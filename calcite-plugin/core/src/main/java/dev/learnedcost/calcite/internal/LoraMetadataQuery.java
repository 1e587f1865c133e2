package dev.learnedcost.calcite.internal;

import java.util.Objects;
import org.apache.calcite.rel.metadata.MetadataHandlerProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * A metadata query that carries the {@link Binding} of the planning it serves: the shared
 * handlers read the model and mode from it. Made by the cluster's metadata query supplier that
 * the install points set.
 */
final class LoraMetadataQuery extends RelMetadataQuery {
  private final Binding binding;

  LoraMetadataQuery(MetadataHandlerProvider provider, Binding binding) {
    super(provider);
    this.binding = Objects.requireNonNull(binding, "binding");
  }

  Binding binding() {
    return binding;
  }
}
