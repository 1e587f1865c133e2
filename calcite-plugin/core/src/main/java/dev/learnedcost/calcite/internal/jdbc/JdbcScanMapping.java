package dev.learnedcost.calcite.internal.jdbc;

import dev.learnedcost.calcite.ScopeMapping;
import dev.learnedcost.engine.OperatorScope;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.rel.RelNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Gives a fragment pushed to H2 through Calcite's JDBC adapter the scope H2 runs it with:
 * {@link OperatorScope#IndexScan} when H2's {@code EXPLAIN} of the pushed SQL shows an index
 * lookup, else {@link OperatorScope#SeqScan} (see {@link JdbcScanClassifier}). Registered as a
 * {@link ScopeMapping} service, so the planner's corrections and the learner's training use the
 * same adapter for the same fragment.
 *
 * <p>Cost: nodes other than {@link JdbcToEnumerableConverter} cost one {@code instanceof}. A
 * converter is classified once per node instance (a weak identity-keyed map; the planner asks the
 * same converter many times) and once per SQL shape across instances (the classifier's cache):
 * generating the fragment's SQL takes tens of microseconds, an H2 {@code EXPLAIN} about a
 * millisecond.
 */
public final class JdbcScanMapping implements ScopeMapping {
  private static final JdbcScanClassifier CLASSIFIER = new JdbcScanClassifier();

  private final Map<RelNode, OperatorScope> byNode =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Creates the mapping (the service loader does). */
  public JdbcScanMapping() {}

  @Override
  public @Nullable OperatorScope scopeOf(RelNode rel) {
    if (!(rel instanceof JdbcToEnumerableConverter converter)) {
      return null;
    }
    OperatorScope known = byNode.get(rel);
    if (known != null) {
      return known;
    }
    OperatorScope scope = CLASSIFIER.classify(converter);
    byNode.put(rel, scope);
    return scope;
  }
}
