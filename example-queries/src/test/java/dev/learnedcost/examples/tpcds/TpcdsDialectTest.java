package dev.learnedcost.examples.tpcds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TpcdsDialectTest {

  @Test
  void calcite_daysArithmetic_becomesIntervals() {
    assertThat(TpcdsDialect.calcite("d_date between cast('2000-01-01' as date) - 30 days"
        + " and (cast('2000-01-01' as date) + 60 days) and d3.d_date > d1.d_date + 5"))
        .isEqualTo("d_date between cast('2000-01-01' as date) - INTERVAL '30' DAY"
            + " and (cast('2000-01-01' as date) + INTERVAL '60' DAY)"
            + " and d3.d_date > d1.d_date + INTERVAL '5' DAY");
  }

  @Test
  void calcite_reservedWordsAsNames_areQuoted_stringsUntouched() {
    assertThat(TpcdsDialect.calcite("select d_year as year, x.year, 'a year' from t as returns"))
        .isEqualTo("select d_year as \"YEAR\", x.\"YEAR\", 'a year' from t as \"RETURNS\"");
    assertThat(TpcdsDialect.calcite("select substr(a, 1, 5) from (select 1 amc) at, y"
        + " where at.amc = 1"))
        .isEqualTo("select substring(a, 1, 5) from (select 1 amc) \"AT\", y"
            + " where \"AT\".amc = 1");
  }

  @Test
  void calcite_averages_averageDoubles() {
    assertThat(TpcdsDialect.calcite("select avg(ss_list_price) a, stddev_samp(x * (1 - y)),"
        + " avg(case when z = 'a)' then 1 end) from t"))
        .isEqualTo("select avg(cast(ss_list_price as double)) a,"
            + " stddev_samp(cast(x * (1 - y) as double)),"
            + " avg(cast(case when z = 'a)' then 1 end as double)) from t");
  }

  @Test
  void calcite_isIdempotent() {
    String once = TpcdsDialect.calcite("select d_year year, c_last_review_date from t"
        + " where d_date + 5 > cast('2000-01-01' as date) + 30 days and avg(x) > 1");
    assertThat(TpcdsDialect.calcite(once)).isEqualTo(once);
    assertThat(once).contains("c_last_review_date_sk");
  }

  @Test
  void h2_rollup_becomesUnionOfGroupingLevels() {
    String h2 = TpcdsDialect.h2("select a, b, grouping(b) g, sum(x) s from t"
        + " group by rollup(a, b) order by a, b desc limit 10");
    assertThat(h2).doesNotContainIgnoringCase("rollup").doesNotContainIgnoringCase("grouping(");
    assertThat(h2.split("UNION ALL", -1)).hasSize(3);
    assertThat(h2).contains("GROUP BY \"A\", \"B\"").contains("GROUP BY \"A\"")
        .contains("1 AS \"G\"")
        .contains("0 AS \"G\"")
        .contains("\"A\" NULLS LAST").contains("\"B\" DESC NULLS FIRST")
        .contains("FETCH NEXT 10 ROWS ONLY");
  }

  @Test
  void h2_windowOrder_getsCalcitesNullOrdering() {
    String h2 = TpcdsDialect.h2("select rank() over (partition by a order by b) r from t");
    assertThat(h2).contains("ORDER BY \"B\" NULLS LAST");
  }
}
