package dev.learnedcost.examples.tpcds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TpcdsGeneratorReferencesTest {

  /** A row of {@code table} with the named columns set and every other column null. */
  private static Object[] row(String table, Object... namesAndValues) {
    List<TpcdsGenerator.Column> columns = TpcdsGenerator.table(table).columns();
    Object[] row = new Object[columns.size()];
    for (int i = 0; i < namesAndValues.length; i += 2) {
      int position = -1;
      for (int c = 0; c < columns.size(); c++) {
        if (columns.get(c).name().equals(namesAndValues[i])) {
          position = c;
        }
      }
      assertThat(position).as("column %s of %s", namesAndValues[i], table).isNotNegative();
      row[position] = namesAndValues[i + 1];
    }
    return row;
  }

  @Test
  void compactFilter_keepsReferencedDemographicsAndTimes_andTheDayRange() {
    TpcdsGenerator.References references = new TpcdsGenerator.References();
    references.observe("store_sales", row("store_sales", "ss_sold_date_sk", 2451000L,
        "ss_sold_time_sk", 30000L, "ss_cdemo_sk", 17L, "ss_item_sk", 5L));
    references.observe("customer", row("customer", "c_customer_sk", 1L,
        "c_current_cdemo_sk", 99L, "c_first_sales_date_sk", 2451100L));
    references.observe("web_returns", row("web_returns", "wr_returned_date_sk", 2450900L));

    assertThat(references.test("customer_demographics",
        row("customer_demographics", "cd_demo_sk", 17L))).isTrue();
    assertThat(references.test("customer_demographics",
        row("customer_demographics", "cd_demo_sk", 99L))).isTrue();
    assertThat(references.test("customer_demographics",
        row("customer_demographics", "cd_demo_sk", 18L))).isFalse();
    assertThat(references.test("time_dim", row("time_dim", "t_time_sk", 30000L))).isTrue();
    assertThat(references.test("time_dim", row("time_dim", "t_time_sk", 30001L))).isFalse();
    // date_dim keeps the whole range between the first and the last referenced day.
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2450900L))).isTrue();
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2451050L))).isTrue();
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2451100L))).isTrue();
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2450899L))).isFalse();
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2451101L))).isFalse();
    // Other tables keep every row.
    assertThat(references.test("item", row("item", "i_item_sk", 123456L))).isTrue();
  }

  @Test
  void compactFilter_ignoresTheCompactedTablesOwnColumns() {
    TpcdsGenerator.References references = new TpcdsGenerator.References();
    // date_dim's own key ends in _date_sk but is no reference.
    references.observe("date_dim", row("date_dim", "d_date_sk", 2450000L));
    references.observe("store_sales", row("store_sales", "ss_sold_date_sk", 2451000L));
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2450000L))).isFalse();
    assertThat(references.test("date_dim", row("date_dim", "d_date_sk", 2451000L))).isTrue();
  }
}
