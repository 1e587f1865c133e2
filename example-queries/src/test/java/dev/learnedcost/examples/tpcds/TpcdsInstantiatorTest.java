package dev.learnedcost.examples.tpcds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.junit.jupiter.api.Test;

class TpcdsInstantiatorTest {
  private static final double SCALE = 0.01;
  private static final long[] SEEDS = {1, 2, 3, 4, 5};
  /** A placeholder or template function left in the SQL: the instantiator missed it. */
  private static final Pattern LEFTOVER = Pattern.compile(
      "\\[[A-Za-z_][A-Za-z_0-9.]*\\]|\\b(dist|distmember|ulist|rowcount)\\s*\\(");

  private final TpcdsInstantiator instantiator = new TpcdsInstantiator(SCALE);

  @Test
  void instantiate_everyTemplateAndSeed_fillsEveryPlaceholderAndParsesInCalcite()
      throws SqlParseException {
    for (int n = 1; n <= TpcdsTemplate.COUNT; n++) {
      TpcdsTemplate template = TpcdsTemplate.load(n);
      for (long seed : SEEDS) {
        TpcdsQuery q = instantiator.instantiate(template, seed);
        for (String statement : q.statements()) {
          assertThat(LEFTOVER.matcher(statement).find())
              .as("template %d seed %d leaves a placeholder: %s", n, seed, statement).isFalse();
          String calcite = TpcdsDialect.calcite(statement);
          try {
            SqlParser.create(calcite, SqlParser.config()).parseQuery();
          } catch (SqlParseException e) {
            throw new AssertionError("template " + n + " seed " + seed
                + " does not parse in Calcite: " + e.getMessage() + "\n" + calcite, e);
          }
          assertThat(TpcdsDialect.h2(statement)).as("H2 text of template %d", n).isNotBlank();
        }
      }
    }
  }

  @Test
  void instantiate_sameSeed_sameInstance_otherSeeds_freshParameters() {
    int varying = 0;
    for (int n = 1; n <= TpcdsTemplate.COUNT; n++) {
      TpcdsTemplate template = TpcdsTemplate.load(n);
      assertThat(instantiator.instantiate(template, 7))
          .as("template %d, seed 7 twice", n).isEqualTo(instantiator.instantiate(template, 7));
      Set<List<String>> texts = new HashSet<>();
      for (long seed : SEEDS) {
        texts.add(instantiator.instantiate(template, seed).statements());
      }
      if (texts.size() > 1) {
        varying++;
      }
    }
    // Every template has parameters; five seeds all drawing the same values would need a
    // template whose every parameter has a single possible value.
    assertThat(varying).as("templates whose 5 instances are not all equal").isEqualTo(99);
  }

  @Test
  void instantiate_query27_drawsValuesFromTheGeneratorsDistributions() {
    TpcdsTemplate template = TpcdsTemplate.load(27);
    for (long seed : SEEDS) {
      TpcdsQuery q = instantiator.instantiate(template, seed);
      assertThat(q.parameters().get("GEN")).as("seed %d", seed).isIn("M", "F");
      assertThat(q.parameters().get("MS")).isIn("M", "S", "D", "W", "U");
      assertThat(q.parameters().get("ES")).isIn("Primary", "Secondary", "College",
          "2 yr Degree", "4 yr Degree", "Advanced Degree", "Unknown");
      assertThat(Integer.parseInt(q.parameters().get("YEAR"))).isBetween(1998, 2002);
      // At scale 0.01 the generator puts every store in the first county of fips_county
      // (Williamson County, TN), so the six states repeat TN, as dsqgen's answers do.
      assertThat(q.parameters().get("STATE_A")).isEqualTo("TN");
      assertThat(q.statements().get(0)).contains("cd_gender = '" + q.parameters().get("GEN")
          + "'");
    }
  }

  @Test
  void instantiate_ulistOverALargeDomain_drawsDistinctValues() {
    // Template 8: 400 distinct zip codes drawn from random(10000, 99999).
    TpcdsQuery q = instantiator.instantiate(TpcdsTemplate.load(8), 3);
    String zips = q.parameters().get("ZIP");
    List<String> values = List.of(zips.substring(1, zips.length() - 1).split(", "));
    assertThat(values).hasSize(400).doesNotHaveDuplicates();
  }

  @Test
  void instantiate_dateParameter_staysInItsRange() {
    // Template 12: SDATE = date([YEAR]+"-01-01", [YEAR]+"-07-01", sales).
    for (long seed : SEEDS) {
      TpcdsQuery q = instantiator.instantiate(TpcdsTemplate.load(12), seed);
      String year = q.parameters().get("YEAR");
      assertThat(q.parameters().get("SDATE")).as("seed %d", seed)
          .isBetween(year + "-01-01", year + "-07-01");
    }
  }

  @Test
  void name_twoStatementTemplate_namesPartsAandB() {
    TpcdsQuery q = instantiator.instantiate(TpcdsTemplate.load(14), 1);
    assertThat(q.statements()).hasSize(2);
    assertThat(q.name(0)).isEqualTo("q14a");
    assertThat(q.name(1)).isEqualTo("q14b");
    assertThat(instantiator.instantiate(TpcdsTemplate.load(3), 1).name(0)).isEqualTo("q03");
  }

  @Test
  void demoWorkload_quickTemplatesH2Runs_oneQueryPerStatement() {
    List<String> names = TpcdsQueries.demoWorkload(SCALE, 42, false).stream()
        .map(dev.learnedcost.examples.Query::name).toList();
    assertThat(names).hasSize(TpcdsQueries.QUICK.size() - 1).contains("q03", "q86")
        .doesNotContain("q51");
    List<String> all = TpcdsQueries.demoWorkload(SCALE, 42, true).stream()
        .map(dev.learnedcost.examples.Query::name).toList();
    // 99 templates, 4 of them with two statements, without 90 (not runnable), 51 and 97.
    assertThat(all).hasSize(99 + 4 - 3).contains("q14a", "q14b").doesNotContain("q90", "q97");
  }

  @Test
  void load_numberOutOfRange_throwsNamingTheRange() {
    assertThatThrownBy(() -> TpcdsTemplate.load(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("template number must be in 1..99, got 100");
  }

  @Test
  void constructor_nonPositiveScale_throws() {
    assertThatThrownBy(() -> new TpcdsInstantiator(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scale must be in (0, 100000], got 0.0");
  }

  @Test
  void instantiate_unknownFunctionOrDistribution_namesTemplateAndParameter() {
    TpcdsTemplate unknownFunction = TpcdsTemplate.parse(500,
        "define X = gauss(1, 2);\nselect [X] from item;");
    assertThatThrownBy(() -> instantiator.instantiate(unknownFunction, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("template 500, parameter X: unknown function gauss(...)");
    TpcdsTemplate unknownDistribution = TpcdsTemplate.parse(501,
        "define X = dist(planets, 1, 1);\nselect '[X]' from item;");
    assertThatThrownBy(() -> instantiator.instantiate(unknownDistribution, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("parameter X: distribution must be one that io.trino.tpcds ships")
        .hasMessageContaining("got 'planets'");
  }

  @Test
  void parse_definitionWithoutClosingParenthesis_throwsWithPosition() {
    assertThatThrownBy(() -> TpcdsTemplate.parse(502, "define X = random(1, 2;\nselect 1;"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("template 502, parameter X: expected ')'");
  }

  @Test
  void instantiate_undefinedPlaceholder_throws() {
    TpcdsTemplate t = TpcdsTemplate.parse(503, "select [Y] from item;");
    assertThatThrownBy(() -> instantiator.instantiate(t, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("template 503 refers to [Y], which it does not define");
  }
}
