package dev.learnedcost.calcite.internal.jdbc;

import dev.learnedcost.calcite.internal.guard.QueryFingerprint;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcTableScan;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlDialect;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decides whether a query fragment pushed to a database through Calcite's JDBC adapter is an
 * index scan or a sequential scan, by asking the database: the fragment's SQL is generated as
 * Calcite would send it and explained with H2's {@code EXPLAIN}.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>H2 marks each table access in its plan with a comment: {@code /* PUBLIC.IDX_X: A = 5 *}{@code /}
 *       (an index lookup with a condition) or {@code /* PUBLIC.T.tableScan *}{@code /}. A fragment
 *       with at least one index lookup is an {@link OperatorScope#IndexScan}, otherwise a
 *       {@link OperatorScope#SeqScan}. An index used only for its order (no condition after the
 *       colon) reads the whole table and counts as sequential.</li>
 *   <li>Other databases, fragments with dynamic parameters (correlated lookups) and fragments
 *       whose SQL cannot be explained count as {@link OperatorScope#SeqScan}: the classification
 *       must never fail a query.</li>
 *   <li>Answers are cached per database and SQL shape (literals replaced, LRU,
 *       {@value #CACHE_SIZE} entries): one round trip per fragment shape, not per planning.</li>
 * </ul>
 */
public final class JdbcScanClassifier {
  /** Cached classifications. */
  public static final int CACHE_SIZE = 4096;

  private static final Pattern INDEX_LOOKUP =
      Pattern.compile("/\\*\\s*[A-Za-z0-9_\"$.]+:\\s*[^*]");
  private static final JavaTypeFactory TYPE_FACTORY = new JavaTypeFactoryImpl();

  private final Map<String, OperatorScope> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OperatorScope> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  /**
   * Classifies the fragment below a JDBC-to-Enumerable converter.
   *
   * @return IndexScan or SeqScan; SeqScan when the database cannot tell
   */
  public OperatorScope classify(JdbcToEnumerableConverter converter) {
    RelNode fragment = concrete(converter.getInput());
    if (fragment == null) {
      return OperatorScope.SeqScan;
    }
    Optional<String> sql = pushedSql(fragment);
    Optional<DataSource> dataSource = dataSourceOf(fragment);
    if (sql.isEmpty() || dataSource.isEmpty() || sql.get().contains("?")) {
      return OperatorScope.SeqScan;
    }
    // Keyed by the database and the SQL's shape: H2's index choice follows the predicates, not
    // their constants, so a new constant costs no round trip.
    String key = System.identityHashCode(dataSource.get()) + " "
        + QueryFingerprint.normalize(sql.get());
    synchronized (cache) {
      OperatorScope known = cache.get(key);
      if (known != null) {
        return known;
      }
    }
    OperatorScope scope = explain(dataSource.get(), sql.get());
    synchronized (cache) {
      cache.put(key, scope);
    }
    return scope;
  }

  /**
   * Returns the fragment with every planner subset replaced by the node first registered in it
   * (during Volcano planning a converter's input is a {@link RelSubset}; the SQL generator needs
   * concrete nodes), or null when a subset has no such node.
   */
  static @Nullable RelNode concrete(RelNode rel) {
    if (rel instanceof RelSubset subset) {
      RelNode original = subset.getOriginal();
      return original == null ? null : concrete(original);
    }
    List<RelNode> inputs = rel.getInputs();
    if (inputs.isEmpty()) {
      return rel;
    }
    List<RelNode> concreteInputs = new ArrayList<>(inputs.size());
    boolean changed = false;
    for (RelNode input : inputs) {
      RelNode c = concrete(input);
      if (c == null) {
        return null;
      }
      changed |= c != input;
      concreteInputs.add(c);
    }
    return changed ? rel.copy(rel.getTraitSet(), concreteInputs) : rel;
  }

  /** Returns the SQL Calcite sends for a JDBC fragment, if it can be generated. */
  public static Optional<String> pushedSql(RelNode fragment) {
    if (!(fragment.getConvention() instanceof JdbcConvention convention)) {
      return Optional.empty();
    }
    try {
      SqlDialect dialect = convention.dialect;
      return Optional.of(new JdbcImplementor(dialect, TYPE_FACTORY).visitRoot(fragment)
          .asStatement().toSqlString(dialect).getSql());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Classifies an H2 {@code EXPLAIN} plan text: IndexScan if any table is accessed through an
   * index with a condition, else SeqScan.
   */
  public static OperatorScope fromH2Plan(String plan) {
    return INDEX_LOOKUP.matcher(plan).find() ? OperatorScope.IndexScan : OperatorScope.SeqScan;
  }

  private static OperatorScope explain(DataSource dataSource, String sql) {
    try (Connection c = dataSource.getConnection()) {
      if (!c.getMetaData().getDatabaseProductName().toUpperCase(java.util.Locale.ROOT)
          .contains("H2")) {
        return OperatorScope.SeqScan;
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + sql)) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
        return fromH2Plan(plan.toString());
      }
    } catch (SQLException e) {
      return OperatorScope.SeqScan;
    }
  }

  private static Optional<DataSource> dataSourceOf(RelNode node) {
    if (node instanceof JdbcTableScan scan) {
      return Optional.of(scan.jdbcTable.jdbcSchema.getDataSource());
    }
    for (RelNode input : node.getInputs()) {
      Optional<DataSource> ds = dataSourceOf(input);
      if (ds.isPresent()) {
        return ds;
      }
    }
    return Optional.empty();
  }
}
