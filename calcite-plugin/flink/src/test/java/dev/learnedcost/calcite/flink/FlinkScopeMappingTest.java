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
   * Per class: "mapping" for the classes {@link FlinkScopeMapping} decides by class (the
   * integration tests check their scopes on real plans), else the core rules' class-level
   * decision. Fails when a Flink upgrade adds, removes or renames a class.
   */
  private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
      Map.entry("BatchPhysicalBoundedStreamScan", "SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalCalc", "mapping"),
      Map.entry("BatchPhysicalCorrelate", "NestedLoopJoin (NAME_PATTERN)"),
      // Wrong, but ScopeMapping cannot answer "no scope" (null means "ask the next rule"): a
      // side branch that collects partition values for dynamic filtering, named like a filter.
      Map.entry("BatchPhysicalDynamicFilteringDataCollector", "Filter (NAME_PATTERN)"),
      Map.entry("BatchPhysicalDynamicFilteringTableSourceScan", "mapping"),
      Map.entry("BatchPhysicalExchange", "NONE (NAME_PATTERN)"),
      Map.entry("BatchPhysicalExpand", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalHashAggregate", "mapping"),
      Map.entry("BatchPhysicalHashJoin", "mapping"),
      Map.entry("BatchPhysicalHashWindowAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalIntermediateTableScan", "SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLegacySink", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalLegacyTableSourceScan", "SeqScan (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLimit", "mapping"),
      Map.entry("BatchPhysicalLocalHashAggregate", "mapping"),
      Map.entry("BatchPhysicalLocalHashWindowAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLocalSortAggregate", "mapping"),
      Map.entry("BatchPhysicalLocalSortWindowAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalLookupJoin", "BY_JOIN_CONDITION (NAME_PATTERN)"),
      Map.entry("BatchPhysicalMLPredictTableFunction", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalMatch", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalNestedLoopJoin", "mapping"),
      Map.entry("BatchPhysicalOverAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonAsyncCalc", "mapping"),
      Map.entry("BatchPhysicalPythonCalc", "mapping"),
      Map.entry("BatchPhysicalPythonCorrelate", "NestedLoopJoin (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonGroupAggregate", "mapping"),
      Map.entry("BatchPhysicalPythonGroupWindowAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalPythonOverAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalRank", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalScriptTransformationExec", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalSink", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalSort", "mapping"),
      Map.entry("BatchPhysicalSortAggregate", "mapping"),
      Map.entry("BatchPhysicalSortLimit", "mapping"),
      Map.entry("BatchPhysicalSortMergeJoin", "mapping"),
      Map.entry("BatchPhysicalSortWindowAggregate", "Aggregate (NAME_PATTERN)"),
      Map.entry("BatchPhysicalTableSourceScan", "mapping"),
      Map.entry("BatchPhysicalUnion", "Result (NAME_PATTERN)"),
      Map.entry("BatchPhysicalValues", "Result (NAME_PATTERN)"),
      Map.entry("BatchPhysicalVectorSearchTableFunction", "NONE (UNDECIDED)"),
      Map.entry("BatchPhysicalWindowTableFunction", "Aggregate (NAME_PATTERN)")));

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
        got.put(c.getSimpleName(), handledByMapping(rel)
            ? "mapping"
            : LoraRuntime.builtInScopeRule(rel));
      }
    }
    assertThat(got).isEqualTo(EXPECTED);
  }

  @Test
  void standardResolver_loadsTheFlinkMapping() {
    assertThat(java.util.ServiceLoader.load(ScopeMapping.class))
        .hasAtLeastOneElementOfType(FlinkScopeMapping.class);
  }

  /** The classes {@link FlinkScopeMapping#scopeOf} answers for (its instanceof tests). */
  private static boolean handledByMapping(Class<? extends RelNode> c) {
    String p = "org.apache.flink.table.planner.plan.nodes.physical.batch.";
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
}
