package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.ScopeMapping;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.planner.plan.nodes.physical.batch.BatchPhysicalRel;
import org.junit.jupiter.api.Test;

/** Every concrete batch physical node class of the Flink planner on the class path. */
class FlinkScopeMappingTest {
  private static final String BATCH = "org/apache/flink/table/planner/plan/nodes/physical/batch/";

  /**
   * Per class: "mapping" for the classes {@link FlinkScopeMapping} gives a scope by class (the
   * integration tests check their scopes on real plans), "none" for every other batch physical
   * class ({@link FlinkScopeMapping#hasNoScope}), with the rule the core's name patterns and base
   * classes would have given it. Fails when a Flink upgrade adds, removes or renames a class.
   */
  private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("BatchPhysicalBoundedStreamScan", "none, not SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalCalc", "mapping"),
      Map.entry("BatchPhysicalCorrelate", "none, not NestedLoopJoin (NAME_PATTERN)"),
      Map.entry("BatchPhysicalDynamicFilteringDataCollector", "none, not Filter (NAME_PATTERN)"),
      Map.entry("BatchPhysicalDynamicFilteringTableSourceScan", "mapping"),
      Map.entry("BatchPhysicalExchange", "none, not NONE (NAME_PATTERN)"),
      Map.entry("BatchPhysicalExpand", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalHashAggregate", "mapping"),
      Map.entry("BatchPhysicalHashJoin", "mapping"),
      Map.entry("BatchPhysicalHashWindowAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalIntermediateTableScan", "none, not SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLegacySink", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalLegacyTableSourceScan", "none, not SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLimit", "mapping"),
      Map.entry("BatchPhysicalLocalHashAggregate", "none, not GroupBy (mapping)"),
      Map.entry("BatchPhysicalLocalHashWindowAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLocalSortAggregate", "none, not GroupBy (mapping)"),
      Map.entry("BatchPhysicalLocalSortWindowAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLookupJoin", "none, not BY_JOIN_CONDITION (NAME_PATTERN)"),
      Map.entry("BatchPhysicalMLPredictTableFunction", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalMatch", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalNestedLoopJoin", "mapping"),
      Map.entry("BatchPhysicalOverAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonAsyncCalc", "mapping"),
      Map.entry("BatchPhysicalPythonCalc", "mapping"),
      Map.entry("BatchPhysicalPythonCorrelate", "none, not NestedLoopJoin (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonGroupAggregate", "mapping"),
      Map.entry("BatchPhysicalPythonGroupWindowAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonOverAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalRank", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalScriptTransformationExec", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalSink", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalSort", "mapping"),
      Map.entry("BatchPhysicalSortAggregate", "mapping"),
      Map.entry("BatchPhysicalSortLimit", "mapping"),
      Map.entry("BatchPhysicalSortMergeJoin", "mapping"),
      Map.entry("BatchPhysicalSortWindowAggregate", "none, not Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalTableSourceScan", "mapping"),
      Map.entry("BatchPhysicalUnion", "none, not Result (NAME_PATTERN)"),
      Map.entry("BatchPhysicalValues", "none, not Result (NAME_PATTERN)"),
      Map.entry("BatchPhysicalVectorSearchTableFunction", "none, not NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalWindowTableFunction", "none, not Aggregate (NAME_PATTERN)")));

  @Test
  void everyConcreteBatchPhysicalClass_hasTheExpectedScopeRule() throws Exception {
    Path jar = Path.of(BatchPhysicalRel.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    Map<String, String> got = new TreeMap<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.startsWith(BATCH) || !name.endsWith(".class") || name.contains("$")
            || name.substring(BATCH.length()).contains("/")) {
          continue;
        }
        Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
            BatchPhysicalRel.class.getClassLoader());
        if (!RelNode.class.isAssignableFrom(c) || c.isInterface()
            || Modifier.isAbstract(c.getModifiers())) {
          continue;
        }
        @SuppressWarnings("unchecked")
        Class<? extends RelNode> rel = (Class<? extends RelNode>) c;
        got.put(c.getSimpleName(), handledByMapping(rel) ? "mapping" : "none, not "
            + (isLocalAggregate(rel) ? "GroupBy (mapping)" : LoraRuntime.builtInScopeRule(rel)));
      }
    }
    assertThat(got).isEqualTo(EXPECTED);
  }

  @Test
  void standardResolver_loadsTheFlinkMapping() {
    assertThat(java.util.ServiceLoader.load(ScopeMapping.class))
        .hasAtLeastOneElementOfType(FlinkScopeMapping.class);
  }

  /** The classes {@link FlinkScopeMapping#scopeOf} gives a scope (its instanceof tests). */
  private static boolean handledByMapping(Class<? extends RelNode> c) {
    String p = "org.apache.flink.table.planner.plan.nodes.physical.batch.";
    if (isLocalAggregate(c)) {
      return false;
    }
    for (String base : new String[] {"BatchPhysicalTableSourceScan", "BatchPhysicalCalcBase",
        "BatchPhysicalHashJoin", "BatchPhysicalSortMergeJoin", "BatchPhysicalNestedLoopJoin",
        "BatchPhysicalGroupAggregateBase", "BatchPhysicalSortLimit", "BatchPhysicalSort",
        "BatchPhysicalLimit"}) {
      try {
        if (Class.forName(p + base).isAssignableFrom(c)) {
          return true;
        }
      } catch (ClassNotFoundException e) {
        throw new AssertionError(base + " is gone from the Flink planner", e);
      }
    }
    return false;
  }

  /** Local aggregates: group aggregates by class, without a scope (folded into the global). */
  private static boolean isLocalAggregate(Class<?> c) {
    return c.getSimpleName().matches("BatchPhysicalLocal(Hash|Sort)Aggregate");
  }
}
