package dev.learnedcost.calcite.internal.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueryFingerprintTest {
  @Test
  void literalsCaseCommentsAndSpacing_doNotChangeTheFingerprint() {
    String a = "select * from T where a = 5 and b = 'x' -- hi\n and d >= DATE '1995-01-01'";
    String b = "SELECT *  FROM t\nWHERE a=7 AND b='it''s' /* c */ AND d>=date '1996-02-02'";
    assertThat(QueryFingerprint.normalize(a))
        .isEqualTo("SELECT * FROM T WHERE A = ? AND B = ? AND D >= DATE ?");
    assertThat(QueryFingerprint.normalize(b)).isEqualTo(QueryFingerprint.normalize(a));
    assertThat(QueryFingerprint.of(a)).isEqualTo(QueryFingerprint.of(b)).hasSize(16)
        .matches("[0-9a-f]{16}");
  }

  @Test
  void differentShapes_haveDifferentFingerprints() {
    assertThat(QueryFingerprint.of("select a from t where x in (1, 2, 3)"))
        .isNotEqualTo(QueryFingerprint.of("select a from t where x in (1)"));
    assertThat(QueryFingerprint.of("select a from t where x < 1.5e3"))
        .isNotEqualTo(QueryFingerprint.of("select a from t where x > 1.5e3"));
    assertThat(QueryFingerprint.of("select \"a\" from t"))
        .isNotEqualTo(QueryFingerprint.of("select \"A\" from t"));
  }

  @Test
  void numbersInsideIdentifiers_stayPartOfTheIdentifier() {
    assertThat(QueryFingerprint.normalize("select c1, 2.5e-3, .5 from t2"))
        .isEqualTo("SELECT C1 , ? , ? FROM T2");
  }

  @Test
  void null_isRejectedByName() {
    assertThatThrownBy(() -> QueryFingerprint.normalize(null)).hasMessage("sql");
  }
}
