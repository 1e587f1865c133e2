package dev.learnedcost.calcite.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VectorFunctionsTest {
  private static final double EXACT = 1e-12;

  @Test
  void cosineDistance_orthogonalAndParallel_giveOneAndZero() {
    assertThat(VectorFunctions.cosineDistance(FloatVector.of(1, 0), FloatVector.of(0, 3)))
        .isCloseTo(1.0, within(EXACT));
    assertThat(VectorFunctions.cosineDistance(FloatVector.of(1, 2), FloatVector.of(2, 4)))
        .isCloseTo(0.0, within(1e-9));
  }

  @Test
  void l2AndInnerProduct_matchHandComputedValues() {
    assertThat(VectorFunctions.l2Distance(FloatVector.of(0, 0), FloatVector.of(3, 4)))
        .isCloseTo(5.0, within(EXACT));
    assertThat(VectorFunctions.innerProduct(FloatVector.of(1, 2, 3), FloatVector.of(4, 5, 6)))
        .isCloseTo(32.0, within(EXACT));
  }

  @Test
  void functions_acceptDecimalListsLikeArrayLiterals() {
    List<BigDecimal> q = List.of(new BigDecimal("3"), new BigDecimal("4"));
    assertThat(VectorFunctions.l2Distance(FloatVector.of(0, 0), q)).isCloseTo(5.0, within(EXACT));
  }

  @Test
  void dimensionMismatch_throwsNamingFunctionAndDimensions() {
    assertThatThrownBy(() -> VectorFunctions.l2Distance(FloatVector.of(1, 2, 3),
        FloatVector.of(1, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("L2_DISTANCE: both vectors must have the same dimension, got 3 (argument 1)"
            + " and 2 (argument 2)");
  }

  @Test
  void nan_throwsNamingFunctionArgumentAndIndex() {
    assertThatThrownBy(() -> VectorFunctions.cosineDistance(FloatVector.of(1, 2),
        Arrays.asList(1.0, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("COSINE_DISTANCE: argument 2 must hold finite values, got NaN at index 1");
    assertThatThrownBy(() -> FloatVector.of(1, Float.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got NaN at index 1");
  }

  @Test
  void nullAndZeroVector_throwClearly() {
    assertThatThrownBy(() -> VectorFunctions.innerProduct(null, FloatVector.of(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("INNER_PRODUCT: argument 1 must be a vector, got NULL");
    assertThatThrownBy(() -> VectorFunctions.cosineDistance(FloatVector.of(0, 0),
        FloatVector.of(1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("COSINE_DISTANCE: cosine distance is undefined for a zero vector");
  }

  @Test
  void indexSearch_kBelowOne_throwsNamingIndexAndValue() {
    ExactTestIndex index = new ExactTestIndex(VectorIndex.Kind.HNSW, VectorMetric.L2,
        new float[][] {{1, 2}, {3, 4}});
    assertThatThrownBy(() -> index.search(new float[] {1, 2}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exact-test-HNSW(L2, 2 rows): k (candidates) must be >= 1, got 0");
    assertThatThrownBy(() -> index.search(new float[] {1, 2, 3}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exact-test-HNSW(L2, 2 rows): query vector dimension must equal the column's"
            + " (2), got 3");
  }
}
