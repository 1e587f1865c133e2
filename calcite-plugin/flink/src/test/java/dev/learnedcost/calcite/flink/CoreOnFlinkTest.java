package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.EngineCorrections;
import dev.learnedcost.calcite.LoraMode;
import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.engine.OperatorScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's engine-facing code (scope resolution, cost embeddings, the adapters' forward through
 * {@link EngineCorrections}) run inside Flink's planner, on Flink's nodes, Flink's metadata query
 * and the Calcite 1.36 that Flink bundles with Guava relocated: what the learned runtime does in
 * every handler call. Planning only
 * (EXPLAIN), so no cluster.
 */
class CoreOnFlinkTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void data() throws Exception {
    TestTables.write(dir);
  }

  @Test
  void scopesAndEmbeddings_ofEveryCorrectedFlinkNode_computeInsideFlinksPlanner() {
    List<String> problems = new CopyOnWriteArrayList<>();
    Map<String, OperatorScope> byClass = new TreeMap<>();
    TableEnvironment t = TestTables.environment(dir);
    try (LoraRuntime runtime = LoraRuntime.open()) {
      // Shadow: every correction is computed (scope, embedding, forward) and none applied.
      EngineCorrections corrections = runtime.engineCorrections(LoraMode.SHADOW);
      LoraFlink.install(t, new FlinkCorrection() {
        @Override
        public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
          try {
            OperatorScope scope = LoraRuntime.scopeOf(rel);
            synchronized (byClass) {
              byClass.put(rel.getClass().getSimpleName(), scope);
            }
            return corrections.rowFactor(rel, mq, baseRows);
          } catch (RuntimeException | LinkageError e) {
            problems.add(rel.getRelTypeName() + ": " + e);
            return 1.0;
          }
        }

        @Override
        public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
          try {
            return corrections.costFactor(rel, mq, baseCost);
          } catch (RuntimeException | LinkageError e) {
            problems.add(rel.getRelTypeName() + ": " + e);
            return 1.0;
          }
        }
      });
      t.explainSql("SELECT d.name, COUNT(*) FROM fact f JOIN dim d ON f.k = d.k "
          + "JOIN tag g ON f.id = g.id WHERE f.v > 2 GROUP BY d.name");

      assertThat(problems).isEmpty();
      assertThat(byClass).containsEntry("BatchPhysicalTableSourceScan", OperatorScope.SeqScan)
          .containsEntry("BatchPhysicalHashJoin", OperatorScope.HashJoin)
          .containsKeys("BatchPhysicalCalc", "BatchPhysicalHashAggregate",
              "FlinkLogicalTableSourceScan");
      assertThat(runtime.stats().shadowCorrections()).as("corrections computed in Flink")
          .isPositive();
      assertThat(runtime.stats().fallbacks()).as("failures inside the model: %s",
          runtime.stats().fallbacksByKind()).isZero();
    }
  }
}
