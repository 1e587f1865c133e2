package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The install on a Flink batch TableEnvironment: dispatch, base estimates, plan change. */
class FlinkPlannerTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = TestTables.cluster();

  @TempDir
  static Path dir;

  private static final String JOIN_DIM =
      "SELECT d.name, COUNT(*) AS c FROM fact f JOIN dim d ON f.k = d.k GROUP BY d.name";
  private static final String THREE_WAY = "SELECT d.name, COUNT(*) FROM fact f "
      + "JOIN dim d ON f.k = d.k JOIN tag g ON f.id = g.id WHERE f.v > 2 GROUP BY d.name";

  @BeforeAll
  static void data() throws Exception {
    TestTables.write(dir);
  }

  /** One row-count call: the node, the base it was given and Flink's own estimate for it. */
  record Call(RelNode rel, double base, double flink) {}

  /**
   * A test fixture standing in for the learned model: scans of the named tables are corrected
   * to the given row counts; every call is recorded.
   */
  static final class TableRows implements FlinkCorrection {
    final Map<String, Double> rows;
    final List<Call> rowCalls = new CopyOnWriteArrayList<>();
    final List<RelNode> costCalls = new CopyOnWriteArrayList<>();

    TableRows(Map<String, Double> rows) {
      this.rows = rows;
    }

    @Override
    public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
      Double flink = FlinkMetadata.flinkRowCount().getRowCount(rel, mq);
      rowCalls.add(new Call(rel, baseRows, flink == null ? Double.NaN : flink));
      if (rel instanceof TableScan scan) {
        // [catalog, database, table, pushed-down extras such as project=[...]]
        Double target = rows.get(scan.getTable().getQualifiedName().get(2));
        if (target != null) {
          return target / baseRows;
        }
      }
      return 1.0;
    }

    @Override
    public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
      costCalls.add(rel);
      return 1.0;
    }

    List<String> rowClasses() {
      return rowCalls.stream().map(c -> c.rel().getClass().getSimpleName()).distinct().toList();
    }
  }

  @Test
  void install_explain_handlersAreCalledWithFlinksOwnEstimateAsTheBase() {
    TableEnvironment t = TestTables.environment(dir);
    TableRows recorder = new TableRows(Map.of());
    LoraFlink.install(t, recorder);
    t.explainSql(THREE_WAY);

    assertThat(recorder.rowClasses()).contains("LogicalTableScan", "FlinkLogicalTableSourceScan",
        "FlinkLogicalJoin", "FlinkLogicalCalc", "FlinkLogicalAggregate",
        "BatchPhysicalTableSourceScan", "BatchPhysicalCalc", "BatchPhysicalHashJoin",
        "BatchPhysicalSortMergeJoin", "BatchPhysicalHashAggregate",
        "BatchPhysicalLocalHashAggregate");
    assertThat(recorder.costCalls).extracting(r -> r.getClass().getSimpleName())
        .contains("BatchPhysicalTableSourceScan", "BatchPhysicalHashJoin",
            "BatchPhysicalHashAggregate");
    assertThat(recorder.rowCalls).allSatisfy(c ->
        assertThat(c.base()).as("base of %s", c.rel()).isEqualTo(c.flink()));
    // The Flink mapping gives the physical nodes their scopes by class.
    Map<String, OperatorScope> scopes = new TreeMap<>();
    recorder.rowCalls.forEach(c -> scopes.put(c.rel().getClass().getSimpleName(),
        LoraRuntime.scopeOf(c.rel())));
    assertThat(scopes).containsEntry("BatchPhysicalTableSourceScan", OperatorScope.SeqScan)
        .containsEntry("BatchPhysicalHashJoin", OperatorScope.HashJoin)
        .containsEntry("BatchPhysicalSortMergeJoin", OperatorScope.MergeJoin)
        .containsEntry("BatchPhysicalHashAggregate", OperatorScope.GroupBy)
        .containsEntry("BatchPhysicalLocalHashAggregate", OperatorScope.GroupBy);
    // Flink's estimate without statistics (FlinkPreparingTableBase): 1e8 rows per table.
    assertThat(recorder.rowCalls).filteredOn(c -> c.rel() instanceof TableScan)
        .isNotEmpty().allSatisfy(c -> assertThat(c.base()).isEqualTo(1.0e8));
    // A join's base is Flink's join estimate, not Calcite's default (RelMdUtil's formula).
    List<Call> joins = recorder.rowCalls.stream().filter(c -> c.rel() instanceof Join).toList();
    assertThat(joins).isNotEmpty().allSatisfy(c -> {
      Join j = (Join) c.rel();
      Double calcite = RelMdUtil.getJoinRowCount(j.getCluster().getMetadataQuery(), j,
          j.getCondition());
      assertThat(c.base()).as("Flink's base for %s", j).isNotEqualTo(calcite);
    });
  }

  @Test
  void correctedScanRows_makeFlinkBroadcastTheSmallTable_withIdenticalResults()
      throws Exception {
    TableEnvironment stock = TestTables.environment(dir);
    TableEnvironment corrected = TestTables.environment(dir);
    LoraFlink.install(corrected, new TableRows(Map.of(
        "fact", (double) TestTables.FACT_ROWS, "dim", (double) TestTables.DIM_ROWS)));

    String stockPlan = physicalPlan(stock.explainSql(JOIN_DIM));
    String correctedPlan = physicalPlan(corrected.explainSql(JOIN_DIM));
    // Stock: both tables look like 1e8 rows, so nothing is broadcast.
    assertThat(stockPlan).as(stockPlan).doesNotContain("isBroadcast=[true]")
        .doesNotContain("distribution=[broadcast]");
    // Corrected: dim (10 rows) is the broadcast build side of a hash join.
    assertThat(correctedPlan).as(correctedPlan)
        .contains("HashJoin(joinType=[InnerJoin], where=[=(k, k0)], select=[k, k0, name], "
            + "isBroadcast=[true], build=[right])")
        .contains("Exchange(distribution=[broadcast])");

    List<String> expected = rows(stock, JOIN_DIM);
    assertThat(expected).hasSize(4);
    assertThat(rows(corrected, JOIN_DIM)).isEqualTo(expected);
  }

  @Test
  void invalidFactors_keepFlinksEstimatesAndAreCounted() {
    TableEnvironment stock = TestTables.environment(dir);
    TableEnvironment broken = TestTables.environment(dir);
    LoraFlink.install(broken, new FlinkCorrection() {
      @Override
      public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
        return Double.NaN;
      }

      @Override
      public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
        throw new IllegalStateException("no cost today");
      }
    });
    long before = FlinkMetadata.fallbacks();

    assertThat(physicalPlan(broken.explainSql(THREE_WAY)))
        .isEqualTo(physicalPlan(stock.explainSql(THREE_WAY)));
    assertThat(FlinkMetadata.fallbacks()).isGreaterThan(before);
  }

  @Test
  void install_streamingEnvironment_isRefused() {
    TableEnvironment streaming = TableEnvironment.create(EnvironmentSettings.inStreamingMode());

    assertThatThrownBy(() -> LoraFlink.install(streaming, FlinkCorrection.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tEnv must be in batch mode "
            + "(TableEnvironment.create(EnvironmentSettings.inBatchMode())), got STREAMING");
  }

  @Test
  void install_twice_isRefused() {
    TableEnvironment t = TestTables.environment(dir);
    LoraFlink.install(t, FlinkCorrection.NONE);

    assertThatThrownBy(() -> LoraFlink.install(t, FlinkCorrection.NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already installed");
  }

  /** The "Optimized Physical Plan" section of an EXPLAIN. */
  static String physicalPlan(String explain) {
    int from = explain.indexOf("== Optimized Physical Plan ==");
    int to = explain.indexOf("== Optimized Execution Plan ==");
    assertThat(from).as(explain).isNotNegative();
    return explain.substring(from, to < 0 ? explain.length() : to);
  }

  private static List<String> rows(TableEnvironment t, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (CloseableIterator<Row> it = t.executeSql(sql).collect()) {
      it.forEachRemaining(r -> out.add(r.toString()));
    }
    out.sort(null);
    return out;
  }
}
