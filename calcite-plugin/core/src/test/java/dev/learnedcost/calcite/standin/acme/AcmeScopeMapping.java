package dev.learnedcost.calcite.standin.acme;

import dev.learnedcost.calcite.ScopeMapping;
import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.rel.RelNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The SPI mapping a test database registers in META-INF/services. */
public final class AcmeScopeMapping implements ScopeMapping {
  @Override
  public @Nullable OperatorScope scopeOf(RelNode rel) {
    return rel instanceof AcmeVectorScan ? OperatorScope.HnswScan : null;
  }
}
