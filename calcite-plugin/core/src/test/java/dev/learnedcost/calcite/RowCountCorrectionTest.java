package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.learnedcost.calcite.internal.Binding;
import dev.learnedcost.calcite.internal.CalciteMetadata;
import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.calcite.internal.TraceCaptures;
import dev.learnedcost.calcite.internal.CostEmbedding;
import dev.learnedcost.engine.OperatorScope;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Identity features at work: a model trained so that one table's scan reads 100 times more rows
 * (and that another's estimate is right) corrects the first and leaves the second alone.
 */
class RowCountCorrectionTest {
  private static final double TARGET = Math.log(100);
  /** Accepted relative error of the corrected row counts. */
  private static final double RELATIVE_TOLERANCE = 0.02;

  @Test
  void rowCount_customerScanTrainedTimes100_changesCustomerOnly() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    RelBuilder b = MemorySchema.relBuilder();
    RelNode customer = b.scan("CUSTOMER").build();
    RelNode orders = b.scan("ORDERS").build();
    RelOptCluster cluster = customer.getCluster();
    assertThat(orders.getCluster()).isSameAs(cluster);
    CalciteMetadata.install(customer.getCluster(), Binding.planning(model, LoraMode.ON));

    RelMetadataQuery mq = cluster.getMetadataQuery();
    double customerBase = mq.getRowCount(customer);
    double ordersBase = mq.getRowCount(orders);
    assertThat(customerBase).as("untrained: stock JDBC estimate").isEqualTo(100.0);
    assertThat(ordersBase).isEqualTo(100.0);
    assertThat(model.scopeResolver().resolve(customer)).isEqualTo(OperatorScope.SeqScan);

    float[] xc = model.embed(customer, mq, customerBase);
    float[] xo = model.embed(orders, mq, ordersBase);
    for (int i = 0; i < CostEmbedding.IDENTITY_START; i++) {
      assertThat(xc[i]).as("numeric feature %d", i).isEqualTo(xo[i]);
    }
    // The two scans differ only in their identity features (same rows, same width).
    for (int step = 0; step < 500 && !(converged(model, xc, 100) && converged(model, xo, 1));
        step++) {
      model.train(OperatorScope.SeqScan, xc, TARGET, Double.NaN);
      model.train(OperatorScope.SeqScan, xo, 0.0, Double.NaN);
    }

    cluster.invalidateMetadataQuery();
    RelMetadataQuery fresh = cluster.getMetadataQuery();
    assertThat(fresh.getRowCount(customer))
        .isCloseTo(100 * customerBase, within(100 * customerBase * RELATIVE_TOLERANCE));
    assertThat(fresh.getRowCount(orders))
        .isCloseTo(ordersBase, within(ordersBase * RELATIVE_TOLERANCE));
    assertThat(model.counters().rowCorrections()).isPositive();
    assertThat(Tracer.trace(customer, Binding.planning(model, LoraMode.ON)).toString())
        .containsPattern("\\[SeqScan\\]  rows 100\\.0 x(99\\.|100\\.)");
  }

  @Test
  void rowCount_handler_reachesScanFilterJoinAndAggregate() {
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    TraceCaptures captures = new TraceCaptures();
    RelBuilder b = MemorySchema.relBuilder();
    RelNode rel = b.scan("NATION").filter(b.greaterThan(b.field("N_REGIONKEY"), b.literal(1)))
        .scan("REGION")
        .join(org.apache.calcite.rel.core.JoinRelType.INNER,
            b.equals(b.field(2, 0, "N_REGIONKEY"), b.field(2, 1, "R_REGIONKEY")))
        .aggregate(b.groupKey("R_NAME"), b.countStar("c"))
        .build();
    CalciteMetadata.install(rel.getCluster(),
        captures.bind(Binding.planning(model, LoraMode.SHADOW)));
    double rows = rel.getCluster().getMetadataQuery().getRowCount(rel);
    java.util.Set<Class<?>> seen = new java.util.HashSet<>();
    for (RelNode n : captures.nodes()) {
      if (captures.rowEmbedding(n) != null) {
        seen.add(n.getClass());
      }
    }

    assertThat(rows).isPositive();
    assertThat(seen).contains(org.apache.calcite.rel.logical.LogicalTableScan.class,
        org.apache.calcite.rel.logical.LogicalFilter.class,
        org.apache.calcite.rel.logical.LogicalJoin.class,
        org.apache.calcite.rel.logical.LogicalAggregate.class);
  }

  private static boolean converged(LearnedModel model, float[] x, double factor) {
    double f = model.correction(OperatorScope.SeqScan, x)[0];
    return Math.abs(f / factor - 1) < RELATIVE_TOLERANCE / 2;
  }

  @Test
  void hashAndMergeJoins_shareOneRowCorrection_nestedLoopsAndCostsDoNot() {
    for (OperatorScope s : OperatorScope.values()) {
      OperatorScope expected = s == OperatorScope.MergeJoin ? OperatorScope.HashJoin : s;
      assertThat(LearnedModel.rowScope(s)).as(s.name()).isEqualTo(expected);
    }
    LearnedModel model = LearnedModel.untrained(LoraRuntimeConfig.defaults());
    RelBuilder b = MemorySchema.relBuilder();
    RelNode join = b.scan("CUSTOMER").scan("ORDERS")
        .join(org.apache.calcite.rel.core.JoinRelType.INNER,
            b.equals(b.field(2, 0, "C_CUSTKEY"), b.field(2, 1, "O_CUSTKEY")))
        .build();
    CalciteMetadata.install(join.getCluster(), Binding.planning(model, LoraMode.ON));
    RelMetadataQuery mq = join.getCluster().getMetadataQuery();
    double base = mq.getRowCount(join);
    float[] x = model.embed(join, mq, base);
    for (int step = 0; step < 200; step++) {
      model.train(OperatorScope.MergeJoin, x, TARGET, Double.NaN);
    }
    // Trained through the merge join's scope, the correction lives in the hash join's adapter:
    // hash and merge joins are corrected alike, nested loops not; costs are not shared.
    for (OperatorScope s : new OperatorScope[] {OperatorScope.MergeJoin, OperatorScope.HashJoin}) {
      assertThat(model.correction(s, x)[0]).as(s.name()).isCloseTo(100, within(2.0));
      assertThat(model.correction(s, x)[1]).as(s.name()).isEqualTo(1.0);
    }
    assertThat(model.correction(OperatorScope.NestedLoopJoin, x)[0]).isEqualTo(1.0);
    join.getCluster().invalidateMetadataQuery();
    assertThat(join.getCluster().getMetadataQuery().getRowCount(join))
        .isCloseTo(100 * base, within(100 * base * RELATIVE_TOLERANCE));
  }
}
