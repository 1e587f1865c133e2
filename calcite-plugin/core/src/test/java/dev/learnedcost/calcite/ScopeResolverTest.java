package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.ScopeResolver;
import dev.learnedcost.calcite.standin.acme.AcmeScopeMapping;
import dev.learnedcost.calcite.standin.acme.AcmeVectorScan;
import dev.learnedcost.calcite.standin.drill.FilterPrel;
import dev.learnedcost.calcite.standin.drill.HashAggPrel;
import dev.learnedcost.calcite.standin.drill.HashJoinPrel;
import dev.learnedcost.calcite.standin.drill.LimitPrel;
import dev.learnedcost.calcite.standin.drill.MergeJoinPrel;
import dev.learnedcost.calcite.standin.drill.NestedLoopJoinPrel;
import dev.learnedcost.calcite.standin.drill.ProjectPrel;
import dev.learnedcost.calcite.standin.drill.ScanPrel;
import dev.learnedcost.calcite.standin.drill.SortPrel;
import dev.learnedcost.calcite.standin.drill.StreamAggPrel;
import dev.learnedcost.calcite.standin.drill.TopNPrel;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalCalc;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalExchange;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalHashAggregate;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalHashJoin;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalLimit;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalNestedLoopJoin;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalSortLimit;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalSortMergeJoin;
import dev.learnedcost.calcite.standin.flink.BatchPhysicalTableSourceScan;
import dev.learnedcost.calcite.standin.ignite.IgniteColocatedHashAggregate;
import dev.learnedcost.calcite.standin.ignite.IgniteHashJoin;
import dev.learnedcost.calcite.standin.ignite.IgniteIndexScan;
import dev.learnedcost.calcite.standin.ignite.IgniteLimit;
import dev.learnedcost.calcite.standin.ignite.IgniteMergeJoin;
import dev.learnedcost.calcite.standin.ignite.IgniteNestedLoopJoin;
import dev.learnedcost.calcite.standin.ignite.IgniteSort;
import dev.learnedcost.calcite.standin.ignite.IgniteTableScan;
import dev.learnedcost.calcite.standin.ignite.IgniteTableSpool;
import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalCalc;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;

class ScopeResolverTest {
  private final ScopeResolver resolver = ScopeResolver.standard();

  @Test
  void decision_everyConcreteRelNodeClassInCalciteCore_isInTheCoreTable()
      throws IOException, URISyntaxException {
    Path jar = Path.of(RelNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> concrete = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.startsWith("META-INF")) {
          continue;
        }
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        Class<?> c;
        try {
          c = Class.forName(className, false, RelNode.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError err) {
          continue; // optional dependencies of calcite-core absent here; not RelNode classes
        }
        if (RelNode.class.isAssignableFrom(c) && !c.isInterface()
            && !Modifier.isAbstract(c.getModifiers())) {
          concrete.add(className);
          @SuppressWarnings("unchecked")
          ScopeResolver.Decision d = resolver.decision((Class<? extends RelNode>) c);
          if (d.source() != ScopeResolver.Source.CORE_TABLE) {
            missing.add(className + " -> " + d);
          }
        }
      }
    }
    // 90 in 1.36.0, 97 in 1.42.0: a jar with far fewer is not calcite-core.
    assertThat(concrete).as("concrete RelNode classes found in %s", jar)
        .hasSizeGreaterThanOrEqualTo(90);
    assertThat(missing).as("calcite-core node classes without a decision").isEmpty();
  }

  /**
   * The core table's classes that calcite-core gained after the oldest supported version
   * (1.36.0), with the version that added each; every other entry exists from 1.36.0 on. Read
   * from the calcite-core jars 1.36.0 to 1.42.0.
   */
  private static final Map<String, String> ADDED_AFTER_1_36 = Map.of(
      "org.apache.calcite.rel.logical.LogicalAsofJoin", "1.38.0",
      "org.apache.calcite.adapter.enumerable.EnumerableAsofJoin", "1.38.0",
      "org.apache.calcite.rel.rules.HyperGraph", "1.39.0",
      "org.apache.calcite.rel.core.Combine", "1.41.0",
      "org.apache.calcite.adapter.enumerable.EnumerableCombine", "1.42.0",
      "org.apache.calcite.rel.logical.LogicalConditionalCorrelate", "1.42.0",
      "org.apache.calcite.adapter.enumerable.EnumerableConditionalCorrelate", "1.42.0");

  @Test
  void coreTable_everyEntry_namesAConcreteRelNodeClassOfTheCalciteVersionUnderTest() {
    String version = calciteVersion();
    List<String> wrong = new ArrayList<>();
    for (String name : dev.learnedcost.calcite.internal.CoreScopeTable.entries().keySet()) {
      boolean expected = compareVersions(version, ADDED_AFTER_1_36.getOrDefault(name, "1.36.0")) >= 0;
      try {
        Class<?> c = Class.forName(name, false, RelNode.class.getClassLoader());
        if (!expected) {
          wrong.add(name + " exists, but is listed as added after " + version);
        } else if (!RelNode.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) {
          wrong.add(name + " is not a concrete RelNode");
        }
      } catch (ClassNotFoundException e) {
        if (expected) {
          wrong.add(name + " does not exist in Calcite " + version);
        }
      }
    }
    assertThat(wrong).as("core table against Calcite %s", version).isEmpty();
  }

  @Test
  void calciteVersion_underTest_isInTheSupportedRange() {
    String version = calciteVersion();
    assertThat(compareVersions(version, "1.36.0")).as("Calcite %s", version).isGreaterThanOrEqualTo(0);
    assertThat(compareVersions(version, "1.42.0")).as("Calcite %s", version).isLessThanOrEqualTo(0);
  }

  /** The version of the calcite-core jar on the class path, from its manifest. */
  private static String calciteVersion() {
    String v = RelNode.class.getPackage().getImplementationVersion();
    assertThat(v).as("Implementation-Version of calcite-core's manifest").isNotNull();
    return v;
  }

  /** Compares dotted numeric versions ("1.36.0" < "1.42.0"). */
  private static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length ? Integer.parseInt(x[i].replaceAll("\\D.*", "")) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i].replaceAll("\\D.*", "")) : 0;
      if (xi != yi) {
        return Integer.compare(xi, yi);
      }
    }
    return 0;
  }

  @Test
  void decision_standInsNamedLikeOtherEnginesNodes_followNamePatterns() {
    Map<Class<? extends RelNode>, Object> expected = new LinkedHashMap<>();
    // Flink
    expected.put(BatchPhysicalHashJoin.class, OperatorScope.HashJoin);
    expected.put(BatchPhysicalSortMergeJoin.class, OperatorScope.MergeJoin);
    expected.put(BatchPhysicalNestedLoopJoin.class, OperatorScope.NestedLoopJoin);
    expected.put(BatchPhysicalHashAggregate.class, ScopeResolver.Rule.BY_GROUP_KEYS);
    expected.put(BatchPhysicalSortLimit.class, OperatorScope.Sort);
    expected.put(BatchPhysicalLimit.class, OperatorScope.Limit);
    expected.put(BatchPhysicalTableSourceScan.class, OperatorScope.SeqScan);
    expected.put(BatchPhysicalCalc.class, ScopeResolver.Rule.BY_CONDITION);
    expected.put(BatchPhysicalExchange.class, ScopeResolver.Rule.NONE);
    // Drill
    expected.put(HashJoinPrel.class, OperatorScope.HashJoin);
    expected.put(MergeJoinPrel.class, OperatorScope.MergeJoin);
    expected.put(NestedLoopJoinPrel.class, OperatorScope.NestedLoopJoin);
    expected.put(HashAggPrel.class, ScopeResolver.Rule.BY_GROUP_KEYS);
    expected.put(StreamAggPrel.class, ScopeResolver.Rule.BY_GROUP_KEYS);
    expected.put(ScanPrel.class, OperatorScope.SeqScan);
    expected.put(FilterPrel.class, OperatorScope.Filter);
    expected.put(ProjectPrel.class, OperatorScope.Project);
    expected.put(TopNPrel.class, OperatorScope.Sort);
    expected.put(LimitPrel.class, OperatorScope.Limit);
    expected.put(SortPrel.class, ScopeResolver.Rule.BY_COLLATION);
    // Ignite
    expected.put(IgniteHashJoin.class, OperatorScope.HashJoin);
    expected.put(IgniteMergeJoin.class, OperatorScope.MergeJoin);
    expected.put(IgniteNestedLoopJoin.class, OperatorScope.NestedLoopJoin);
    expected.put(IgniteIndexScan.class, OperatorScope.IndexScan);
    expected.put(IgniteTableScan.class, OperatorScope.SeqScan);
    expected.put(IgniteColocatedHashAggregate.class, ScopeResolver.Rule.BY_GROUP_KEYS);
    expected.put(IgniteSort.class, ScopeResolver.Rule.BY_COLLATION);
    expected.put(IgniteLimit.class, OperatorScope.Limit);
    expected.put(IgniteTableSpool.class, OperatorScope.Materialize);

    Map<String, String> wrong = new LinkedHashMap<>();
    expected.forEach((c, want) -> {
      ScopeResolver.Decision d = resolver.decision(c);
      Object got = d.rule() == ScopeResolver.Rule.FIXED ? d.scope() : d.rule();
      if (!want.equals(got) || d.source() != ScopeResolver.Source.NAME_PATTERN) {
        wrong.put(c.getSimpleName(), "expected " + want + ", got " + d);
      }
    });
    assertThat(wrong).isEmpty();
  }

  @Test
  void resolve_serviceLoadedMapping_winsOverNamePatterns() {
    assertThat(resolver.mappings()).hasAtLeastOneElementOfType(AcmeScopeMapping.class);
    RelBuilder b = TpchH2.relBuilder();
    RelNode scan = b.scan("NATION").build();
    AcmeVectorScan acme =
        new AcmeVectorScan(scan.getCluster(), scan.getTraitSet(), scan.getRowType());

    assertThat(resolver.resolve(acme)).isEqualTo(OperatorScope.HnswScan);
    // Without the mapping its name alone would make it a sequential scan.
    assertThat(ScopeResolver.withMappings(List.of()).resolve(acme))
        .isEqualTo(OperatorScope.SeqScan);
  }

  @Test
  void resolve_aggregate_dependsOnGroupKeys() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode noKeys = b.scan("NATION").aggregate(b.groupKey(), b.countStar("c")).build();
    RelNode keys =
        b.scan("NATION").aggregate(b.groupKey("N_REGIONKEY"), b.countStar("c")).build();

    assertThat(resolver.resolve(noKeys)).isEqualTo(OperatorScope.Aggregate);
    assertThat(resolver.resolve(keys)).isEqualTo(OperatorScope.GroupBy);
  }

  @Test
  void resolve_sort_dependsOnCollationAndFetch() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode limitOnly = b.scan("NATION").limit(0, 5).build();
    RelNode topN = b.scan("NATION").sortLimit(0, 5, b.field("N_NAME")).build();
    RelNode sort = b.scan("NATION").sort(b.field("N_NAME")).build();

    assertThat(resolver.resolve(limitOnly)).isEqualTo(OperatorScope.Limit);
    assertThat(resolver.resolve(topN)).isEqualTo(OperatorScope.Sort);
    assertThat(resolver.resolve(sort)).isEqualTo(OperatorScope.Sort);
  }

  @Test
  void resolve_calc_dependsOnCondition() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode scan = b.scan("NATION").build();
    RexBuilder rex = scan.getCluster().getRexBuilder();
    RexProgramBuilder withCond = new RexProgramBuilder(scan.getRowType(), rex);
    withCond.addIdentity();
    withCond.addCondition(rex.makeCall(SqlStdOperatorTable.GREATER_THAN,
        rex.makeInputRef(scan, 0), rex.makeExactLiteral(java.math.BigDecimal.TEN)));
    RexProgramBuilder noCond = new RexProgramBuilder(scan.getRowType(), rex);
    noCond.addIdentity();

    assertThat(resolver.resolve(LogicalCalc.create(scan, withCond.getProgram())))
        .isEqualTo(OperatorScope.Filter);
    assertThat(resolver.resolve(LogicalCalc.create(scan, noCond.getProgram())))
        .isEqualTo(OperatorScope.Project);
  }

  @Test
  void resolve_logicalJoin_dependsOnEquality() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode equi = b.scan("NATION").scan("REGION")
        .join(JoinRelType.INNER, b.equals(b.field(2, 0, "N_REGIONKEY"),
            b.field(2, 1, "R_REGIONKEY")))
        .build();
    RelNode theta = b.scan("NATION").scan("REGION")
        .join(JoinRelType.INNER, b.greaterThan(b.field(2, 0, "N_REGIONKEY"),
            b.field(2, 1, "R_REGIONKEY")))
        .build();

    assertThat(resolver.resolve(equi)).isEqualTo(OperatorScope.HashJoin);
    assertThat(resolver.resolve(theta)).isEqualTo(OperatorScope.NestedLoopJoin);
  }

  @Test
  void resolve_tableScanAndSubset_scanHasScopeBookkeepingHasNone() {
    RelNode scan = TpchH2.relBuilder().scan("NATION").build();

    assertThat(resolver.resolve(scan)).isEqualTo(OperatorScope.SeqScan);
    assertThat(resolver.decision(org.apache.calcite.plan.volcano.RelSubset.class).rule())
        .isEqualTo(ScopeResolver.Rule.NONE);
  }
}
