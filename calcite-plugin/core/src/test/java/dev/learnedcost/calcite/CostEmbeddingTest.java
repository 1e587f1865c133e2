package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.learnedcost.calcite.internal.CostEmbedding;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.logical.LogicalCalc;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;

class CostEmbeddingTest {
  private final CostEmbedding embedding = new CostEmbedding(64);

  private static double norm(float[] x) {
    double s = 0;
    for (float v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }

  @Test
  void embed_scan_isDeterministicWithZeroReadoutsAndNormInLearningRange() {
    RelNode scan = TpchH2.relBuilder().scan("CUSTOMER").build();
    RelMetadataQuery mq = scan.getCluster().getMetadataQuery();
    float[] a = new float[64];
    float[] b = new float[64];
    embedding.embed(scan, mq, 100, a);
    embedding.embed(scan, mq, 100, b);

    assertThat(a).containsExactly(b);
    assertThat(a[CostEmbedding.READOUT_ROWS]).isZero();
    assertThat(a[CostEmbedding.READOUT_COST]).isZero();
    assertThat(a[CostEmbedding.BIAS]).isEqualTo(CostEmbedding.BIAS_VALUE);
    assertThat(a[CostEmbedding.ROWS]).isEqualTo((float) (0.5 * Math.log10(101)));
    assertThat(norm(a)).isBetween(3.0, 6.0);
  }

  @Test
  void embed_equalityLiterals_areTokens_rangeBoundsAreNot() {
    float[] building = filtered(rb -> rb.equals(rb.field("C_MKTSEGMENT"), rb.literal("BUILDING")));
    float[] machinery =
        filtered(rb -> rb.equals(rb.field("C_MKTSEGMENT"), rb.literal("MACHINERY")));
    float[] buildingAgain =
        filtered(rb -> rb.equals(rb.literal("BUILDING"), rb.field("C_MKTSEGMENT")));
    float[] inList = filtered(rb -> rb.in(rb.field("C_MKTSEGMENT"), rb.literal("BUILDING"),
        rb.literal("MACHINERY")));
    float[] low = filtered(rb -> rb.greaterThan(rb.field("C_ACCTBAL"), rb.literal(10)));
    float[] high = filtered(rb -> rb.greaterThan(rb.field("C_ACCTBAL"), rb.literal(9000)));

    assertThat(building).isNotEqualTo(machinery);
    assertThat(inList).isNotEqualTo(building).isNotEqualTo(machinery);
    assertThat(buildingAgain).containsExactly(building);
    assertThat(low).containsExactly(high);
    for (int i = 0; i < CostEmbedding.IDENTITY_START; i++) {
      assertThat(building[i]).as("numeric dimension %d", i).isEqualTo(machinery[i]);
    }
  }

  private float[] filtered(java.util.function.Function<RelBuilder, RexNode> condition) {
    RelBuilder rb = TpchH2.relBuilder().scan("CUSTOMER");
    RelNode filter = rb.filter(condition.apply(rb)).build();
    float[] x = new float[64];
    embedding.embed(filter, filter.getCluster().getMetadataQuery(), 10, x);
    return x;
  }

  @Test
  void embed_biasOnly_writesTheBiasAloneForEveryNode() {
    RelBuilder rb = TpchH2.relBuilder();
    RelNode join = rb.scan("CUSTOMER").scan("ORDERS")
        .join(JoinRelType.INNER,
            rb.equals(rb.field(2, 0, "C_CUSTKEY"), rb.field(2, 1, "O_CUSTKEY")))
        .build();
    RelMetadataQuery mq = join.getCluster().getMetadataQuery();
    CostEmbedding biasOnly = new CostEmbedding(64, true);
    float[] j = new float[64];
    float[] s = new float[64];
    biasOnly.embed(join, mq, 1_000, j);
    biasOnly.embed(join.getInput(0), mq, 5, s);
    float[] expected = new float[64];
    expected[CostEmbedding.BIAS] = CostEmbedding.BIAS_VALUE;

    assertThat(j).containsExactly(expected);
    assertThat(s).containsExactly(expected);
    float[] full = new float[64];
    embedding.embed(join, mq, 1_000, full);
    assertThat(full).isNotEqualTo(expected);
  }

  @Test
  void embed_twoTables_differOnlyInIdentityBuckets() {
    RelBuilder rb = TpchH2.relBuilder();
    RelNode customer = rb.scan("CUSTOMER").build();
    RelNode orders = rb.scan("ORDERS").build();
    RelMetadataQuery mq = customer.getCluster().getMetadataQuery();
    float[] c = new float[64];
    float[] o = new float[64];
    embedding.embed(customer, mq, 100, c);
    embedding.embed(orders, mq, 100, o);

    boolean identityDiffers = false;
    for (int i = 0; i < 64; i++) {
      if (i >= CostEmbedding.IDENTITY_START) {
        identityDiffers |= c[i] != o[i];
      } else if (i != CostEmbedding.ROW_WIDTH) { // 8 vs 9 columns
        assertThat(c[i]).as("dim %d", i).isEqualTo(o[i]);
      }
    }
    assertThat(identityDiffers).isTrue();
  }

  @Test
  void embed_join_countsKeysInputsAndColumns() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode join = b.scan("NATION").scan("REGION")
        .join(JoinRelType.INNER,
            b.equals(b.field(2, 0, "N_REGIONKEY"), b.field(2, 1, "R_REGIONKEY")))
        .build();
    RelMetadataQuery mq = join.getCluster().getMetadataQuery();
    float[] x = new float[64];
    embedding.embed(join, mq, mq.getRowCount(join), x);

    assertThat(x[CostEmbedding.INPUTS]).isEqualTo(1f);
    assertThat(x[CostEmbedding.KEYS]).isEqualTo(0.5f);
    assertThat(x[CostEmbedding.NON_EQUI_TERMS]).isZero();
    assertThat(x[CostEmbedding.INPUT_ROWS]).isEqualTo((float) (0.5 * Math.log10(201)));
    assertThat(norm(x)).isBetween(3.0, 6.0);
  }

  /**
   * A Calc's condition refers to the program's local expressions; Calcite's
   * {@code RexCall.isAlwaysTrue()} on a SEARCH (IN, BETWEEN, ranges) over local references throws
   * a ClassCastException, which made such filters fall back to the stock estimate.
   */
  @Test
  void embed_calcWithSearchCondition_countsItsTermsWithoutFailing() {
    RelBuilder b = TpchH2.relBuilder();
    RelNode scan = b.scan("NATION").build();
    RexBuilder rex = scan.getCluster().getRexBuilder();
    RexNode in = b.push(scan).in(b.field(0), b.literal(1), b.literal(3), b.literal(7));
    b.clear();
    assertThat(in.getKind()).isEqualTo(SqlKind.SEARCH);
    RexProgramBuilder pb = new RexProgramBuilder(scan.getRowType(), rex);
    pb.addIdentity();
    pb.addCondition(in);
    RelNode calc = LogicalCalc.create(scan, pb.getProgram());
    RelMetadataQuery mq = calc.getCluster().getMetadataQuery();
    float[] x = new float[64];
    embedding.embed(calc, mq, 10, x);
    assertThat(x[CostEmbedding.PREDICATE_TERMS]).isEqualTo(0.5f); // one term: 0.5 * log2(2)
  }

  @Test
  void embed_wrongLength_throwsNamingLengths() {
    RelNode scan = TpchH2.relBuilder().scan("NATION").build();

    assertThatThrownBy(() ->
            embedding.embed(scan, scan.getCluster().getMetadataQuery(), 1, new float[63]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("out length must equal dim (64), got 63");
  }

  @Test
  void constructor_dimTooSmall_throws() {
    assertThatThrownBy(() -> new CostEmbedding(16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dim must be in 32..256, got 16");
  }
}
