package dev.learnedcost.calcite.internal;

import dev.learnedcost.engine.OperatorScope;
import java.util.HashMap;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The decision for every concrete {@code RelNode} class in calcite-core 1.42, keyed by class name
 * (names, not class literals, so that package-private and anonymous classes can be listed).
 * {@code ScopeResolverTest} enumerates calcite-core and fails when a concrete class is missing.
 * Not part of the API; the module README renders this table.
 */
public final class CoreScopeTable {
  private static final Map<String, ScopeResolver.Decision> TABLE = new HashMap<>();

  private static final String E = "org.apache.calcite.adapter.enumerable.";
  private static final String J = "org.apache.calcite.adapter.jdbc.";
  private static final String JR = J + "JdbcRules$";
  private static final String B = "org.apache.calcite.interpreter.Bindables$";
  private static final String L = "org.apache.calcite.rel.logical.";

  static {
    // Scans (a JdbcToEnumerableConverter is the scan of whatever the JDBC database runs).
    scope(OperatorScope.SeqScan, E + "EnumerableTableScan", E + "EnumerableTableFunctionScan",
        J + "JdbcTableScan", J + "JdbcToEnumerableConverter", B + "BindableTableScan",
        L + "LogicalTableScan", L + "LogicalTableFunctionScan", L + "LogicalSnapshot",
        "org.apache.calcite.schema.impl.StarTable$StarTableScan");
    // Joins by algorithm.
    scope(OperatorScope.HashJoin, E + "EnumerableHashJoin", E + "EnumerableAsofJoin");
    scope(OperatorScope.MergeJoin, E + "EnumerableMergeJoin");
    scope(OperatorScope.NestedLoopJoin, E + "EnumerableNestedLoopJoin",
        E + "EnumerableBatchNestedLoopJoin", E + "EnumerableCorrelate",
        E + "EnumerableConditionalCorrelate", B + "BindableJoin", JR + "JdbcJoin",
        L + "LogicalCorrelate", L + "LogicalConditionalCorrelate");
    rule(ScopeResolver.Rule.BY_JOIN_CONDITION, L + "LogicalJoin", L + "LogicalAsofJoin");
    // Aggregation.
    rule(ScopeResolver.Rule.BY_GROUP_KEYS, E + "EnumerableAggregate",
        E + "EnumerableSortedAggregate", JR + "JdbcAggregate", B + "BindableAggregate",
        L + "LogicalAggregate");
    scope(OperatorScope.Aggregate, E + "EnumerableWindow", B + "BindableWindow",
        L + "LogicalWindow");
    // Row-wise transforms.
    scope(OperatorScope.Filter, E + "EnumerableFilter", JR + "JdbcFilter", B + "BindableFilter",
        L + "LogicalFilter", E + "EnumerableMatch", B + "BindableMatch", L + "LogicalMatch",
        "org.apache.calcite.rel.core.Sample",
        // JdbcCalc keeps its program private in 1.42; it is created only by JdbcCalcRule from a
        // Calc that carries a condition or computed expressions, and is costed as a filter.
        JR + "JdbcCalc");
    rule(ScopeResolver.Rule.BY_CONDITION, E + "EnumerableCalc", L + "LogicalCalc");
    scope(OperatorScope.Project, E + "EnumerableProject", JR + "JdbcProject",
        B + "BindableProject", L + "LogicalProject", E + "EnumerableUncollect",
        "org.apache.calcite.rel.core.Uncollect");
    // Order.
    rule(ScopeResolver.Rule.BY_COLLATION, E + "EnumerableSort", JR + "JdbcSort", B + "BindableSort",
        L + "LogicalSort");
    scope(OperatorScope.Sort, E + "EnumerableLimitSort", L + "LogicalSortExchange");
    scope(OperatorScope.Limit, E + "EnumerableLimit");
    // Materialization.
    scope(OperatorScope.Materialize, E + "EnumerableTableSpool", L + "LogicalTableSpool",
        E + "EnumerableCollect", "org.apache.calcite.rel.core.Collect");
    // Results: values, set operations, modifications.
    scope(OperatorScope.Result, E + "EnumerableValues", JR + "JdbcValues", B + "BindableValues",
        L + "LogicalValues", E + "EnumerableUnion", E + "EnumerableMergeUnion",
        E + "EnumerableIntersect", E + "EnumerableMinus", E + "EnumerableRepeatUnion",
        E + "EnumerableCombine", "org.apache.calcite.rel.core.Combine", JR + "JdbcUnion",
        JR + "JdbcIntersect", JR + "JdbcMinus", B + "BindableUnion", B + "BindableIntersect",
        B + "BindableMinus", L + "LogicalUnion", L + "LogicalIntersect", L + "LogicalMinus",
        L + "LogicalRepeatUnion", E + "EnumerableTableModify", JR + "JdbcTableModify",
        L + "LogicalTableModify");
    // No scope: planner bookkeeping, converters between conventions, streaming and join-order
    // intermediates that never execute.
    rule(ScopeResolver.Rule.NONE, "org.apache.calcite.plan.volcano.RelSubset",
        "org.apache.calcite.plan.hep.HepRelVertex",
        "org.apache.calcite.plan.volcano.AbstractConverter",
        "org.apache.calcite.rel.convert.NoneConverter", E + "EnumerableBindable",
        E + "EnumerableInterpretable", E + "EnumerableInterpreter",
        "org.apache.calcite.interpreter.InterpretableConverter", L + "LogicalExchange",
        "org.apache.calcite.rel.rules.MultiJoin", "org.apache.calcite.rel.rules.HyperGraph",
        "org.apache.calcite.rel.stream.Chi", "org.apache.calcite.rel.stream.LogicalChi",
        "org.apache.calcite.rel.stream.LogicalDelta",
        "org.apache.calcite.rel.rel2sql.SqlImplementor$1");
  }

  private CoreScopeTable() {}

  private static void scope(OperatorScope scope, String... classNames) {
    for (String n : classNames) {
      put(n, ScopeResolver.Decision.fixed(scope, ScopeResolver.Source.CORE_TABLE));
    }
  }

  private static void rule(ScopeResolver.Rule rule, String... classNames) {
    for (String n : classNames) {
      put(n, ScopeResolver.Decision.of(rule, ScopeResolver.Source.CORE_TABLE));
    }
  }

  private static void put(String name, ScopeResolver.Decision d) {
    if (TABLE.put(name, d) != null) {
      throw new IllegalStateException("class listed twice: " + name);
    }
  }

  /** Returns the decision for a calcite-core class name, or null if it is not listed. */
  public static ScopeResolver.@Nullable Decision lookup(String className) {
    return TABLE.get(className);
  }

  /** Returns a copy of the table. */
  public static Map<String, ScopeResolver.Decision> entries() {
    return Map.copyOf(TABLE);
  }
}
