package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
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

  @BeforeAll
  static void data() throws Exception {
    TestTables.write(dir);
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
    FlinkInstallation lora = LoraFlink.install(t, FlinkCorrection.NONE);
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

  @Test
  void run_broadcastJoin_countsTheBroadcastTableOnce() throws Exception {
    TableEnvironment t = TestTables.environment(dir);
    FlinkInstallation lora = LoraFlink.install(t, new FlinkPlannerTest.TableRows(Map.of(
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
    FlinkInstallation lora = LoraFlink.install(t, FlinkCorrection.NONE);
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
    FlinkInstallation lora = LoraFlink.install(t, FlinkCorrection.NONE);

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
