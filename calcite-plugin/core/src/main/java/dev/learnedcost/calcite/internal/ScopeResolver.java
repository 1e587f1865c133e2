package dev.learnedcost.calcite.internal;

import dev.learnedcost.calcite.ScopeMapping;
import dev.learnedcost.engine.OperatorScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.Converter;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Exchange;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Spool;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Maps a {@link RelNode} to the {@link OperatorScope} whose adapter corrects it, or to none.
 *
 * <p>Order of decision: {@link ScopeMapping} services (a database's own nodes), then the table of
 * every concrete node class in calcite-core 1.42 ({@link Source#CORE_TABLE}), then name patterns
 * for other engines' physical nodes ({@code *HashJoin*}, {@code *MergeJoin*},
 * {@code *NestedLoop*}, {@code *IndexScan*}, {@code *TableScan*}, {@code *HashAgg*}, ...), then
 * the Calcite base class. The module README holds the full table. The class-level part of a
 * decision is cached per class; what depends on the node (group keys, collation, condition) is
 * decided per call without allocating.
 */
public final class ScopeResolver {
  /** How a class's nodes get their scope. */
  public enum Rule {
    /** The node has no scope: its estimates are passed through unchanged. */
    NONE,
    /** Always {@link Decision#scope()}. */
    FIXED,
    /** Aggregate without group keys, GroupBy with. */
    BY_GROUP_KEYS,
    /** Sort with a collation (top-N included); Limit with only fetch/offset. */
    BY_COLLATION,
    /** Calc with a condition is a Filter, without one a Project. */
    BY_CONDITION,
    /** A logical join: HashJoin with a column equality (as Calcite implements it), else NestedLoopJoin. */
    BY_JOIN_CONDITION
  }

  /** Where a class-level decision came from. */
  public enum Source {
    /** The table of calcite-core 1.42 classes. */
    CORE_TABLE,
    /** A name pattern for other engines' nodes. */
    NAME_PATTERN,
    /** The Calcite base class of a node class nothing else knew. */
    BASE_CLASS,
    /** Nothing: the node gets no scope. */
    UNDECIDED
  }

  /**
   * A class-level decision.
   *
   * @param rule how the scope is chosen
   * @param scope the scope for {@link Rule#FIXED}, else null
   * @param source where the decision came from
   */
  public record Decision(Rule rule, @Nullable OperatorScope scope, Source source) {
    /** Creates a decision; {@code scope} is required for FIXED and refused otherwise. */
    public Decision {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(source, "source");
      if ((rule == Rule.FIXED) != (scope != null)) {
        throw new IllegalArgumentException(
            "scope must be given exactly for rule FIXED, got rule " + rule + " and scope " + scope);
      }
    }

    /** A fixed decision. */
    public static Decision fixed(OperatorScope scope, Source source) {
      return new Decision(Rule.FIXED, scope, source);
    }

    /** A rule-based decision. */
    public static Decision of(Rule rule, Source source) {
      return new Decision(rule, null, source);
    }

    @Override
    public String toString() {
      return (rule == Rule.FIXED ? String.valueOf(scope) : rule.name()) + " (" + source + ")";
    }
  }

  private static final class Holder {
    static final ScopeResolver STANDARD = new ScopeResolver(loadMappings());
  }

  private final ScopeMapping[] mappings;
  private final ClassValue<Decision> decisions = new ClassValue<>() {
    @Override
    protected Decision computeValue(Class<?> type) {
      return decide(type);
    }
  };

  private ScopeResolver(List<ScopeMapping> mappings) {
    this.mappings = mappings.toArray(new ScopeMapping[0]);
  }

  /** Returns the resolver with the {@link ScopeMapping} services found on the class path. */
  public static ScopeResolver standard() {
    return Holder.STANDARD;
  }

  /** Returns a resolver with the given mappings (and no services). */
  public static ScopeResolver withMappings(List<? extends ScopeMapping> mappings) {
    return new ScopeResolver(List.copyOf(mappings));
  }

  private static List<ScopeMapping> loadMappings() {
    List<ScopeMapping> list = new ArrayList<>();
    ServiceLoader.load(ScopeMapping.class, ScopeResolver.class.getClassLoader()).forEach(list::add);
    list.sort(Comparator.comparing(m -> m.getClass().getName()));
    return list;
  }

  /** Returns the {@link ScopeMapping} services this resolver asks first (a copy). */
  public List<ScopeMapping> mappings() {
    return List.of(mappings);
  }

  /** Returns the scope of {@code rel}, or null when it has none. */
  public @Nullable OperatorScope resolve(RelNode rel) {
    for (ScopeMapping m : mappings) {
      if (m.hasNoScope(rel)) {
        return null;
      }
      OperatorScope s = m.scopeOf(rel);
      if (s != null) {
        return s;
      }
    }
    Decision d = decisions.get(rel.getClass());
    switch (d.rule()) {
      case FIXED:
        return d.scope();
      case BY_GROUP_KEYS:
        return rel instanceof Aggregate a && a.getGroupSet().isEmpty()
            ? OperatorScope.Aggregate
            : OperatorScope.GroupBy;
      case BY_COLLATION:
        if (rel instanceof Sort s && s.getCollation().getFieldCollations().isEmpty()
            && (s.fetch != null || s.offset != null)) {
          return OperatorScope.Limit;
        }
        return OperatorScope.Sort;
      case BY_CONDITION:
        if (rel instanceof Calc c) {
          return c.getProgram().getCondition() != null
              ? OperatorScope.Filter
              : OperatorScope.Project;
        }
        return OperatorScope.Filter;
      case BY_JOIN_CONDITION:
        return rel instanceof Join j && hasColumnEquality(j.getCondition())
            ? OperatorScope.HashJoin
            : OperatorScope.NestedLoopJoin;
      case NONE:
      default:
        return null;
    }
  }

  /** Returns the class-level decision of the built-in rules (services are not asked). */
  public Decision decision(Class<? extends RelNode> type) {
    return decisions.get(type);
  }

  private static boolean hasColumnEquality(RexNode cond) {
    if (cond.getKind() == SqlKind.AND) {
      List<RexNode> ops = ((RexCall) cond).getOperands();
      for (int i = 0; i < ops.size(); i++) {
        if (isColumnEquality(ops.get(i))) {
          return true;
        }
      }
      return false;
    }
    return isColumnEquality(cond);
  }

  /** Whether {@code node} is {@code $a = $b} (or IS NOT DISTINCT FROM) of two input columns. */
  static boolean isColumnEquality(RexNode node) {
    if (node.getKind() != SqlKind.EQUALS && node.getKind() != SqlKind.IS_NOT_DISTINCT_FROM) {
      return false;
    }
    List<RexNode> ops = ((RexCall) node).getOperands();
    return ops.size() == 2 && ops.get(0) instanceof RexInputRef
        && ops.get(1) instanceof RexInputRef;
  }

  private static Decision decide(Class<?> type) {
    Decision core = CoreScopeTable.lookup(type.getName());
    if (core != null) {
      return core;
    }
    String name = type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
    Decision byName = byName(name);
    if (byName != null) {
      return byName;
    }
    return byBaseClass(type);
  }

  /** Name patterns for other engines' nodes; order matters (HashJoin before Join, ...). */
  static @Nullable Decision byName(String name) {
    Source src = Source.NAME_PATTERN;
    if (has(name, "IndexScan", "IndexRangeScan", "IndexLookup")) {
      return Decision.fixed(OperatorScope.IndexScan, src);
    }
    if (has(name, "HashJoin")) {
      return Decision.fixed(OperatorScope.HashJoin, src);
    }
    if (has(name, "SortMergeJoin", "MergeJoin")) {
      return Decision.fixed(OperatorScope.MergeJoin, src);
    }
    if (has(name, "NestedLoop", "Correlate")) {
      return Decision.fixed(OperatorScope.NestedLoopJoin, src);
    }
    if (has(name, "Window", "OverAgg")) {
      return Decision.fixed(OperatorScope.Aggregate, src);
    }
    if (has(name, "HashAgg", "SortAgg", "StreamAgg", "Agg")) {
      return Decision.of(Rule.BY_GROUP_KEYS, src);
    }
    if (has(name, "Exchange", "Converter")) {
      return Decision.of(Rule.NONE, src);
    }
    if (has(name, "Scan")) {
      return Decision.fixed(OperatorScope.SeqScan, src);
    }
    if (has(name, "TopN", "LimitSort", "SortLimit")) {
      return Decision.fixed(OperatorScope.Sort, src);
    }
    if (has(name, "Limit")) {
      return Decision.fixed(OperatorScope.Limit, src);
    }
    if (has(name, "Sort")) {
      return Decision.of(Rule.BY_COLLATION, src);
    }
    if (has(name, "Filter", "Selection")) {
      return Decision.fixed(OperatorScope.Filter, src);
    }
    if (has(name, "Calc")) {
      return Decision.of(Rule.BY_CONDITION, src);
    }
    if (has(name, "Project")) {
      return Decision.fixed(OperatorScope.Project, src);
    }
    if (has(name, "Join")) {
      return Decision.of(Rule.BY_JOIN_CONDITION, src);
    }
    if (has(name, "Values", "Union", "Intersect", "Minus", "Except")) {
      return Decision.fixed(OperatorScope.Result, src);
    }
    if (has(name, "Spool", "Materializ", "Collect")) {
      return Decision.fixed(OperatorScope.Materialize, src);
    }
    return null;
  }

  private static boolean has(String name, String... parts) {
    for (String p : parts) {
      if (name.contains(p)) {
        return true;
      }
    }
    return false;
  }

  private static Decision byBaseClass(Class<?> type) {
    Source src = Source.BASE_CLASS;
    if (TableScan.class.isAssignableFrom(type) || TableFunctionScan.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.SeqScan, src);
    }
    if (Join.class.isAssignableFrom(type)) {
      return Decision.of(Rule.BY_JOIN_CONDITION, src);
    }
    if (Correlate.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.NestedLoopJoin, src);
    }
    if (Aggregate.class.isAssignableFrom(type)) {
      return Decision.of(Rule.BY_GROUP_KEYS, src);
    }
    if (Window.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.Aggregate, src);
    }
    if (Filter.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.Filter, src);
    }
    if (Calc.class.isAssignableFrom(type)) {
      return Decision.of(Rule.BY_CONDITION, src);
    }
    if (Project.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.Project, src);
    }
    if (Sort.class.isAssignableFrom(type)) {
      return Decision.of(Rule.BY_COLLATION, src);
    }
    if (SetOp.class.isAssignableFrom(type) || Values.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.Result, src);
    }
    if (Spool.class.isAssignableFrom(type)) {
      return Decision.fixed(OperatorScope.Materialize, src);
    }
    if (Converter.class.isAssignableFrom(type) || Exchange.class.isAssignableFrom(type)) {
      return Decision.of(Rule.NONE, src);
    }
    return Decision.of(Rule.NONE, Source.UNDECIDED);
  }
}
