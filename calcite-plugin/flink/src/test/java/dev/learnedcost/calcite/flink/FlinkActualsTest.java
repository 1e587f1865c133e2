package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rows per plan node from Flink's metrics, against rows computed from the generated data. */
class FlinkActualsTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER = TestTables.cluster();

  @TempDir
  static Path dir;

  static LoraRuntime runtime;

  @BeforeAll
  static void data() throws Exception {
    TestTables.write(dir);
    runtime = TestTables.runtime();
  }

  @AfterAll
  static void close() {
    runtime.close();
  }

  /** The true rows of each step of the query, by brute force over the generated rows. */
  private record Truth(long filtered, long joinDim, long joinTag, long groups) {
    static Truth compute() {
      long filtered = 0;
      long joinDim = 0;
      long joinTag = 0;
      Set<String> groups = new HashSet<>();
      for (int id = 0; id < TestTables.FACT_ROWS; id++) {
        if (TestTables.factV(id) <= 2) {
          continue;
        }
        filtered++;
        for (int k = 0; k < TestTables.DIM_ROWS; k++) {
          if (k != TestTables.factK(id)) {
            continue;
          }
          joinDim++;
          for (int i = 0; i < TestTables.TAG_ROWS; i++) {
            if (TestTables.tagId(i) == id) {
              joinTag++;
              groups.add(TestTables.dimName(k));
            }
          }
        }
      }
      return new Truth(filtered, joinDim, joinTag, groups.size());
    }
  }

  @Test
  void run_joinsFilterAggregate_rowsPerNodeAreTheTrueRows() throws Exception {
    TableEnvironment t = TestTables.environment(dir);
    FlinkInstallation lora = LoraFlink.install(t, runtime, LoraMode.OFF);
    FlinkExecution run = lora.run("INSERT INTO sink SELECT d.name, COUNT(*) FROM fact f "
        + "JOIN dim d ON f.k = d.k JOIN tag g ON f.id = g.id WHERE f.v > 2 GROUP BY d.name");
    Truth truth = Truth.compute();

    List<FlinkPlanNode> n = run.nodes();
    assertThat(shape(run.root())).as(run.explain()).isEqualTo(
        "Sink(HashAggregate(Calc(HashJoin(Calc(HashJoin(Calc(TableSourceScan),"
            + "TableSourceScan)),TableSourceScan))))");
    assertThat(n).extracting(FlinkPlanNode::actualRows).as(run.explain()).containsExactly(
        truth.groups(), truth.groups(), truth.joinTag(), truth.joinTag(), truth.joinDim(),
        truth.joinDim(), truth.filtered(), (long) TestTables.FACT_ROWS,
        (long) TestTables.DIM_ROWS, (long) TestTables.TAG_ROWS);
    assertThat(n).extracting(FlinkPlanNode::scope).containsExactly(null, OperatorScope.GroupBy,
        OperatorScope.Project, OperatorScope.HashJoin, OperatorScope.Project,
        OperatorScope.HashJoin, OperatorScope.Filter, OperatorScope.SeqScan,
        OperatorScope.SeqScan, OperatorScope.SeqScan);
    // The local aggregate and the exchanges are folded into the nodes above them.
    assertThat(n.get(1).folded()).extracting(RelNode::getRelTypeName)
        .containsExactly("BatchPhysicalExchange", "BatchPhysicalLocalHashAggregate");
    assertThat(n.get(3).folded()).extracting(RelNode::getRelTypeName)
        .containsExactly("BatchPhysicalExchange", "BatchPhysicalExchange");
    assertThat(n).noneMatch(FlinkPlanNode::truncated);
    // Estimates as the planner left them: no statistics, so Flink's 1e8 per scan; no correction,
    // so the planned rows are Flink's.
    assertThat(n.get(7).flinkRows()).isEqualTo(1.0e8);
    assertThat(n).allSatisfy(node ->
        assertThat(node.plannedRows()).as("%s", node).isEqualTo(node.flinkRows()));
    // Busy time is per task: the dim scan runs alone in its task; the join shares its task with
    // the calc above it (operator chaining).
    assertThat(n.get(8).selfMillis()).as(run.explain()).isGreaterThanOrEqualTo(0);
    assertThat(n.get(3).selfMillis()).as(run.explain()).isNaN();
    assertThat(run.executionNanos()).isPositive();
  }

  /**
   * Two identical branches over {@code dim} (TPC-H Q7's two nation branches): Flink reuses one
   * exec sub-plan for both physical branches; each branch reports the reused operators' rows,
   * which are the true rows of either.
   */
  @Test
  void run_reusedSubPlan_bothBranchesGetTheTrueRows() throws Exception {
    TableEnvironment t = TestTables.environment(dir);
    FlinkInstallation lora = LoraFlink.install(t, runtime, LoraMode.OFF);
    long unmeasured = FlinkInstallation.unmeasuredExecutions();
    FlinkExecution run = lora.run("INSERT INTO sink SELECT d1.name, COUNT(*) FROM fact f"
        + " JOIN dim d1 ON f.k = d1.k JOIN dim d2 ON f.v = d2.k"
        + " WHERE d1.name IN ('n1', 'n2') AND d2.name IN ('n1', 'n2') GROUP BY d1.name");
    assertThat(FlinkInstallation.unmeasuredExecutions()).isEqualTo(unmeasured);
    assertThat(run.executed().complete()).isTrue();
    long dimKept = java.util.stream.IntStream.range(0, TestTables.DIM_ROWS)
        .mapToObj(TestTables::dimName).filter(name -> name.equals("n1") || name.equals("n2"))
        .count();
    long joined = 0;
    Set<String> groups = new HashSet<>();
    for (int id = 0; id < TestTables.FACT_ROWS; id++) {
      String n1 = TestTables.dimName(TestTables.factK(id));
      int v = TestTables.factV(id);
      if ((n1.equals("n1") || n1.equals("n2")) && v < TestTables.DIM_ROWS
          && (TestTables.dimName(v).equals("n1") || TestTables.dimName(v).equals("n2"))) {
        joined++;
        groups.add(n1);
      }
    }
    List<FlinkPlanNode> dimCalcs = run.nodes().stream()
        .filter(node -> node.scope() == OperatorScope.Filter
            && node.children().size() == 1 && node.children().get(0).rel().toString()
                .contains("dim"))
        .toList();
    assertThat(dimCalcs).as(run.explain()).hasSize(2)
        .allSatisfy(node -> assertThat(node.actualRows()).isEqualTo(dimKept));
    assertThat(run.nodes()).as(run.explain()).allMatch(FlinkPlanNode::hasActualRows);
    assertThat(run.root().actualRows()).as(run.explain()).isEqualTo(groups.size());
    assertThat(joined).isPositive();
  }

  @Test
  void run_broadcastJoin_countsTheBroadcastTableOnce() throws Exception {
    TableEnvironment t = TestTables.environment(dir);
    FlinkInstallation lora = LoraFlink.install(t, runtime, LoraMode.ON, new FlinkPlannerTest.TableRows(Map.of(
        "fact", (double) TestTables.FACT_ROWS, "dim", (double) TestTables.DIM_ROWS)));
    FlinkExecution run = lora.run("INSERT INTO sink SELECT d.name, COUNT(*) FROM fact f "
        + "JOIN dim d ON f.k = d.k GROUP BY d.name");

    FlinkPlanNode join = run.nodes().stream()
        .filter(n -> n.rel().getRelTypeName().equals("BatchPhysicalHashJoin")).findFirst()
        .orElseThrow(() -> new AssertionError(run.explain()));
    assertThat(PlanActuals.description(join.rel())).contains("isBroadcast=[true]");
    // Both subtasks receive all 10 dim rows; the scan produced them once.
    assertThat(join.children()).extracting(FlinkPlanNode::actualRows).as(run.explain())
        .containsExactly((long) TestTables.FACT_ROWS, (long) TestTables.DIM_ROWS);
    assertThat(join.actualRows()).isEqualTo(TestTables.FACT_ROWS);
    // The corrected scan estimate is what the planner used; Flink's own stays 1e8.
    FlinkPlanNode dimScan = join.children().get(1);
    assertThat(dimScan.plannedRows()).isCloseTo(TestTables.DIM_ROWS, within(1e-6));
    assertThat(dimScan.flinkRows()).isEqualTo(1.0e8);
  }

  @Test
  void run_twice_eachRunMeasuresItsOwnJob() throws Exception {
    TableEnvironment t = TestTables.environment(dir);
    FlinkInstallation lora = LoraFlink.install(t, runtime, LoraMode.OFF);
    String sql = "INSERT INTO sink SELECT name, COUNT(*) FROM dim GROUP BY name";
    FlinkExecution first = lora.run(sql);
    FlinkExecution second = lora.run(sql);

    assertThat(second.jobId()).isNotEqualTo(first.jobId());
    assertThat(second.nodes()).extracting(FlinkPlanNode::actualRows)
        .isEqualTo(first.nodes().stream().map(FlinkPlanNode::actualRows).toList())
        .contains(4L, (long) TestTables.DIM_ROWS);
  }

  @Test
  void run_withoutTheRequiredSettings_failsNamingTheSetting() {
    TableEnvironment t = TestTables.environment(dir);
    t.getConfig().set(FlinkSettings.MULTIPLE_INPUT, "true");
    FlinkInstallation lora = LoraFlink.install(t, runtime, LoraMode.OFF);

    assertThatThrownBy(() -> lora.run("INSERT INTO sink SELECT name, 1 FROM dim"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("measuring rows per plan node needs table.optimizer.multiple-input-enabled"
            + "=false, got true; call FlinkSettings.apply(tEnv.getConfig()) before planning");
  }

  /** The plan as nested simple names without the {@code BatchPhysical} prefix. */
  private static String shape(FlinkPlanNode node) {
    String name = node.rel().getRelTypeName().replace("BatchPhysical", "");
    if (node.children().isEmpty()) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name).append('(');
    for (int i = 0; i < node.children().size(); i++) {
      sb.append(i == 0 ? "" : ",").append(shape(node.children().get(i)));
    }
    return sb.append(')').toString();
  }
}
