package dev.learnedcost.calcite.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.CostEmbedding;
import dev.learnedcost.calcite.ScopeResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's engine-facing code (scope resolution and cost embeddings) run inside Flink's
 * planner, on Flink's nodes, Flink's metadata query and the Calcite 1.36 that Flink bundles
 * with Guava relocated: what the learned runtime will do in every handler call. Planning only
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
  void costEmbeddingAndScopes_ofEveryCorrectedFlinkNode_computeInsideFlinksPlanner() {
    CostEmbedding embedding = new CostEmbedding(64);
    List<String> problems = new CopyOnWriteArrayList<>();
    Map<String, float[]> byClass = new TreeMap<>();
    TableEnvironment t = TestTables.environment(dir);
    LoraFlink.install(t, new FlinkCorrection() {
      @Override
      public double rowCountFactor(RelNode rel, RelMetadataQuery mq, double baseRows) {
        try {
          ScopeResolver.standard().resolve(rel);
          float[] x = new float[embedding.dim()];
          embedding.embed(rel, mq, baseRows, x);
          for (float v : x) {
            if (!Float.isFinite(v)) {
              problems.add(rel.getRelTypeName() + " embeds a non-finite value");
              break;
            }
          }
          synchronized (byClass) {
            byClass.put(rel.getClass().getSimpleName(), x);
          }
        } catch (RuntimeException | LinkageError e) {
          problems.add(rel.getRelTypeName() + ": " + e);
        }
        return 1.0;
      }

      @Override
      public double costFactor(RelNode rel, RelMetadataQuery mq, RelOptCost baseCost) {
        return 1.0;
      }
    });
    t.explainSql("SELECT d.name, COUNT(*) FROM fact f JOIN dim d ON f.k = d.k "
        + "JOIN tag g ON f.id = g.id WHERE f.v > 2 GROUP BY d.name");

    assertThat(problems).isEmpty();
    assertThat(byClass).containsKeys("BatchPhysicalTableSourceScan", "BatchPhysicalHashJoin",
        "BatchPhysicalCalc", "BatchPhysicalHashAggregate", "FlinkLogicalTableSourceScan");
    // A scan's identity features (the hashed table name) are set: the embedding reads Flink's
    // table through Calcite's RelOptTable API.
    float[] scan = byClass.get("BatchPhysicalTableSourceScan");
    float identity = 0;
    for (int i = CostEmbedding.IDENTITY_START; i < scan.length; i++) {
      identity += Math.abs(scan[i]);
    }
    assertThat(identity).isPositive();
    assertThat(byClass.get("BatchPhysicalHashJoin")[CostEmbedding.INPUTS]).isPositive();
  }
}
