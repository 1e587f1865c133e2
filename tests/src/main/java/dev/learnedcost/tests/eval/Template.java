package dev.learnedcost.tests.eval;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A query template of the evaluation: one fixed SQL shape over the {@code skew} data set whose
 * literals are drawn afresh for every instance. The shapes are those of the demo's skew queries
 * ({@code s01} .. {@code s08}); the parameters move each predicate's true selectivity across
 * orders of magnitude (a segment that is 1% of customers but 70% of sales, or 99% and 30%; a
 * status kept by 0.5% or 99.5% of sales; a date from the last days to the whole range), while
 * Calcite's stock guess stays the same.
 *
 * @param name short name, e.g. {@code t1_segment_by_country}
 * @param writer writes one instance's SQL from a random stream
 */
public record Template(String name, Function<SplittableRandom, String> writer) {

  /** One instance of a template. */
  public record Instance(String template, String name, String sql) {}

  /** Returns a new instance, its literals drawn from {@code random}. */
  public Instance instance(SplittableRandom random, String name) {
    return new Instance(this.name, name, writer.apply(random));
  }

  private static final String[] SEGMENTS = {"WHOLESALE", "RETAIL"};
  private static final String[] SALE_STATUSES = {"RETURNED", "COMPLETE"};
  private static final String[] PRODUCT_STATUSES = {"RECALLED", "ACTIVE"};
  private static final String[] CHANNELS = {"WEB", "STORE", "PHONE"};
  private static final String[] CONTINENTS = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "OCEANIA"};
  private static final LocalDate FIRST_SALE = LocalDate.of(2022, 1, 1);
  private static final int SALE_DAYS = 1096;

  private static String pick(SplittableRandom r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  /** A country id, log-uniform over 1..50: the Zipf head (country 1: 21% of customers) and tail. */
  private static int country(SplittableRandom r) {
    return (int) Math.min(50, Math.floor(Math.exp(r.nextDouble() * Math.log(51))));
  }

  /** A first sale date keeping from the last few days to all of the three years. */
  private static String since(SplittableRandom r) {
    double keep = Math.exp(r.nextDouble() * Math.log(0.002)); // 0.2% .. 100% of the days
    return FIRST_SALE.plusDays(Math.round(SALE_DAYS * (1 - keep))).toString();
  }

  /** The eight templates, in a fixed order. */
  public static List<Template> all() {
    return List.of(
        new Template("t1_segment_by_country", r -> String.format(Locale.ROOT, """
            SELECT co_name, COUNT(*) AS sales_count, SUM(sa_amount) AS revenue
            FROM sales, customer, country
            WHERE sa_customer_id = cu_id AND cu_country_id = co_id
              AND cu_segment = '%s' AND co_continent = '%s'
            GROUP BY co_name
            ORDER BY co_name NULLS LAST""", pick(r, SEGMENTS), pick(r, CONTINENTS))),
        new Template("t2_status_by_category", r -> String.format(Locale.ROOT, """
            SELECT pr_category, COUNT(*) AS sales_count, SUM(sa_amount) AS revenue
            FROM sales, product, customer
            WHERE sa_product_id = pr_id AND sa_customer_id = cu_id
              AND pr_status = '%s' AND sa_status = '%s'
            GROUP BY pr_category
            ORDER BY pr_category NULLS LAST""", pick(r, PRODUCT_STATUSES),
            pick(r, SALE_STATUSES))),
        new Template("t3_channel_by_city", r -> {
          int c = country(r);
          return String.format(Locale.ROOT, """
              SELECT ci_name, COUNT(*) AS sales_count
              FROM sales, customer, city
              WHERE sa_customer_id = cu_id AND cu_city_id = ci_id
                AND cu_country_id = %d AND ci_country_id = %d AND sa_channel = '%s'
              GROUP BY ci_name
              ORDER BY ci_name NULLS LAST""", c, c, pick(r, CHANNELS));
        }),
        new Template("t4_recent_by_segment", r -> String.format(Locale.ROOT, """
            SELECT pr_category, cu_segment, COUNT(*) AS sales_count, SUM(sa_amount) AS revenue
            FROM sales, customer, product
            WHERE sa_customer_id = cu_id AND sa_product_id = pr_id
              AND pr_status = '%s' AND cu_segment = '%s' AND sa_date >= DATE '%s'
            GROUP BY pr_category, cu_segment
            ORDER BY pr_category NULLS LAST, cu_segment NULLS LAST""",
            pick(r, PRODUCT_STATUSES), pick(r, SEGMENTS), since(r))),
        new Template("t5_status_by_continent", r -> String.format(Locale.ROOT, """
            SELECT co_continent, COUNT(*) AS sales_count, SUM(sa_amount) AS revenue
            FROM sales, customer, city, country, product
            WHERE sa_customer_id = cu_id AND cu_city_id = ci_id AND ci_country_id = co_id
              AND sa_product_id = pr_id AND pr_status = '%s' AND sa_channel = '%s'
            GROUP BY co_continent
            ORDER BY co_continent NULLS LAST""", pick(r, PRODUCT_STATUSES), pick(r, CHANNELS))),
        new Template("t6_top_customers", r -> String.format(Locale.ROOT, """
            SELECT cu_name, SUM(sa_amount) AS revenue
            FROM customer, sales
            WHERE sa_customer_id = cu_id AND cu_segment = '%s' AND sa_channel = '%s'
              AND sa_date >= DATE '%s'
            GROUP BY cu_name
            ORDER BY revenue DESC NULLS LAST, cu_name NULLS LAST
            FETCH FIRST %d ROWS ONLY""", pick(r, SEGMENTS), pick(r, CHANNELS), since(r),
            new int[] {5, 10, 20, 50}[r.nextInt(4)])),
        new Template("t7_segment_status_products", r -> String.format(Locale.ROOT, """
            SELECT pr_name, COUNT(*) AS sales_count, SUM(sa_amount) AS revenue
            FROM sales, customer, product
            WHERE sa_customer_id = cu_id AND sa_product_id = pr_id
              AND cu_segment = '%s' AND pr_status = '%s'
            GROUP BY pr_name
            ORDER BY pr_name NULLS LAST""", pick(r, SEGMENTS), pick(r, PRODUCT_STATUSES))),
        new Template("t8_big_spender_cities", r -> String.format(Locale.ROOT, """
            SELECT ci_name, COUNT(*) AS big_customers
            FROM (SELECT sa_customer_id, SUM(sa_amount) AS total FROM sales
                  GROUP BY sa_customer_id) AS spend, customer, city
            WHERE spend.sa_customer_id = cu_id AND cu_city_id = ci_id AND spend.total > %d
            GROUP BY ci_name
            ORDER BY big_customers DESC NULLS LAST, ci_name NULLS LAST
            FETCH FIRST 10 ROWS ONLY""",
            Math.round(Math.exp(Math.log(500) + r.nextDouble() * Math.log(1000))))));
  }
}
