package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.learnedcost.examples.internal.SkewTables;
import dev.learnedcost.examples.internal.TableSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The skew data set's generator, checked on the generated rows themselves (no database) at the
 * default size and seed: its sizes, its skew and its correlations are what the README and the
 * skew queries rely on. Thresholds sit well inside what the design yields (given in each
 * message), so another seed passes too.
 */
class SkewDatasetTest {

  private static final long SEED = SkewDataset.DEFAULT_SEED;
  private static Stats stats;

  /** What the tests need, gathered in one pass over the generated tables. */
  private static final class Stats {
    final Map<String, Long> rows = new LinkedHashMap<>();
    int[] cityCountry;
    String[] productStatus;
    int[] customerCity;
    int[] customerCountry;
    String[] customerSegment;
    long[] salesPerCustomer;
    long[] salesPerProduct;
    final Map<String, Long> salesStatus = new HashMap<>();
    final Map<String, Long> salesChannel = new HashMap<>();
    LocalDate firstDate;
    LocalDate lastDate;
    boolean datesFollowIds = true;
    long salesInLastWeek;
  }

  @BeforeAll
  static void generate() throws Exception {
    SkewDataset dataset = new SkewDataset(1.0, SEED);
    Map<String, Long> counts = dataset.rowCounts();
    Stats s = new Stats();
    s.cityCountry = new int[Math.toIntExact(counts.get("CITY")) + 1];
    s.productStatus = new String[Math.toIntExact(counts.get("PRODUCT")) + 1];
    int customers = Math.toIntExact(counts.get("CUSTOMER"));
    s.customerCity = new int[customers + 1];
    s.customerCountry = new int[customers + 1];
    s.customerSegment = new String[customers + 1];
    s.salesPerCustomer = new long[customers + 1];
    s.salesPerProduct = new long[s.productStatus.length];
    LocalDate lastWeek = LocalDate.of(2024, 12, 24);
    LocalDate[] previous = {null};
    for (TableSource source : SkewTables.tables(dataset.sizeFactor(), SEED)) {
      String table = source.definition().name();
      long[] n = {0};
      source.generate(row -> {
        n[0]++;
        switch (table) {
          case "CITY" -> s.cityCountry[(Integer) row[0]] = (Integer) row[2];
          case "PRODUCT" -> s.productStatus[(Integer) row[0]] = (String) row[3];
          case "CUSTOMER" -> {
            int id = (Integer) row[0];
            s.customerCity[id] = (Integer) row[2];
            s.customerCountry[id] = (Integer) row[3];
            s.customerSegment[id] = (String) row[4];
          }
          case "SALES" -> {
            s.salesPerCustomer[(Integer) row[1]]++;
            s.salesPerProduct[(Integer) row[2]]++;
            LocalDate date = (LocalDate) row[3];
            if (previous[0] != null && date.isBefore(previous[0])) {
              s.datesFollowIds = false;
            }
            previous[0] = date;
            s.firstDate = s.firstDate == null ? date : s.firstDate;
            s.lastDate = date;
            if (!date.isBefore(lastWeek)) {
              s.salesInLastWeek++;
            }
            s.salesStatus.merge((String) row[6], 1L, Long::sum);
            s.salesChannel.merge((String) row[7], 1L, Long::sum);
          }
          default -> { }
        }
      });
      s.rows.put(table, n[0]);
    }
    stats = s;
  }

  private static double share(long part, long whole) {
    return (double) part / whole;
  }

  private static long sales() {
    return stats.rows.get("SALES");
  }

  @Test
  void tables_defaultSize_haveDesignedRowCounts() {
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("COUNTRY", 50L);
    expected.put("CITY", 5_000L);
    expected.put("PRODUCT", 5_000L);
    expected.put("CUSTOMER", 50_000L);
    expected.put("SALES", 500_000L);
    assertEquals(expected, stats.rows);
    assertEquals(expected, SkewDataset.withDefaults().rowCounts());
    assertEquals(List.copyOf(expected.keySet()), SkewDataset.withDefaults().tableNames());
  }

  @Test
  void rowCounts_scaleFactTableAndCustomersOnly() {
    Map<String, Long> counts = new SkewDataset(0.2, SEED).rowCounts();
    assertEquals(50L, counts.get("COUNTRY"));
    assertEquals(5_000L, counts.get("CITY"));
    assertEquals(5_000L, counts.get("PRODUCT"));
    assertEquals(10_000L, counts.get("CUSTOMER"));
    assertEquals(100_000L, counts.get("SALES"));
  }

  @Test
  void generate_sameSeed_identicalRows() throws Exception {
    assertArrayEquals(digests(0.05, SEED), digests(0.05, SEED));
  }

  @Test
  void generate_otherSeed_otherRandomTables() throws Exception {
    byte[][] a = digests(0.05, SEED);
    byte[][] b = digests(0.05, SEED + 1);
    List<String> tables = SkewTables.TABLE_NAMES;
    for (int t = 0; t < tables.size(); t++) {
      boolean random = !tables.get(t).equals("COUNTRY");
      assertEquals(random, !Arrays.equals(a[t], b[t]), tables.get(t) + " depends on the seed: "
          + random);
    }
  }

  private static byte[][] digests(double size, long seed) throws Exception {
    List<TableSource> sources = SkewTables.tables(size, seed);
    byte[][] digests = new byte[sources.size()][];
    for (int t = 0; t < sources.size(); t++) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      sources.get(t).generate(row ->
          digest.update((Arrays.deepToString(row) + "\n").getBytes(StandardCharsets.UTF_8)));
      digests[t] = digest.digest();
    }
    return digests;
  }

  @Test
  void salesCustomers_zipfSkewed_topCustomerAndWholesaleDominate() {
    long[] sorted = stats.salesPerCustomer.clone();
    Arrays.sort(sorted);
    long top = sorted[sorted.length - 1];
    // Zipf(1.1) over 50,000 ranks: rank 1 has 13.9%.
    assertTrue(share(top, sales()) > 0.10, "top customer share " + share(top, sales()));
    long wholesaleCustomers = 0;
    long wholesaleSales = 0;
    long buyers = 0;
    for (int id = 1; id < stats.customerSegment.length; id++) {
      if (stats.salesPerCustomer[id] > 0) {
        buyers++;
      }
      if (stats.customerSegment[id].equals("WHOLESALE")) {
        wholesaleCustomers++;
        wholesaleSales += stats.salesPerCustomer[id];
      } else {
        assertEquals("RETAIL", stats.customerSegment[id]);
      }
    }
    assertEquals(500, wholesaleCustomers, "1% of 50,000 customers are wholesale");
    // The wholesale 1% are the top-ranked buyers: about 72% of sales.
    assertTrue(share(wholesaleSales, sales()) > 0.6,
        "wholesale share of sales " + share(wholesaleSales, sales()));
    // The long tail never buys: about 33,600 of 50,000 customers appear in SALES.
    assertTrue(buyers < 40_000, "customers with sales " + buyers);
  }

  @Test
  void customers_countryIsTheCitysCountry() {
    for (int id = 1; id < stats.customerCity.length; id++) {
      assertEquals(stats.cityCountry[stats.customerCity[id]], stats.customerCountry[id],
          "customer " + id);
    }
  }

  @Test
  void cities_countriesZipfSkewed_countryOneLargest() {
    long[] citiesPerCountry = new long[51];
    for (int city = 1; city < stats.cityCountry.length; city++) {
      citiesPerCountry[stats.cityCountry[city]]++;
    }
    long max = Arrays.stream(citiesPerCountry).max().orElseThrow();
    assertEquals(max, citiesPerCountry[1], "country 1 has the most cities");
    // Zipf(1.0) over 50 ranks: rank 1 has 1 / H(50) = 22.2%.
    double share = share(citiesPerCountry[1], 5_000);
    assertTrue(share > 0.17 && share < 0.28, "country 1 share of cities " + share);
  }

  @Test
  void products_tenRecalledAmongTheLeastSold() {
    long recalled = 0;
    long recalledSales = 0;
    for (int id = 1; id < stats.productStatus.length; id++) {
      if (stats.productStatus[id].equals("RECALLED")) {
        recalled++;
        recalledSales += stats.salesPerProduct[id];
      } else {
        assertEquals("ACTIVE", stats.productStatus[id]);
      }
    }
    assertEquals(10, recalled);
    // The 10 least popular of 5,000 products under Zipf(0.9): about 0.035% of sales.
    assertTrue(share(recalledSales, sales()) < 0.001,
        "recalled share of sales " + share(recalledSales, sales()));
  }

  @Test
  void sales_statusChannelAndDatesAsDesigned() {
    double returned = share(stats.salesStatus.get("RETURNED"), sales());
    assertTrue(returned > 0.004 && returned < 0.006, "RETURNED share " + returned);
    assertEquals(sales(), stats.salesStatus.get("RETURNED") + stats.salesStatus.get("COMPLETE"));
    double phone = share(stats.salesChannel.get("PHONE"), sales());
    assertTrue(phone > 0.04 && phone < 0.06, "PHONE share " + phone);
    assertEquals(LocalDate.of(2022, 1, 1), stats.firstDate);
    assertEquals(LocalDate.of(2024, 12, 31), stats.lastDate);
    assertTrue(stats.datesFollowIds, "SA_DATE never decreases as SA_ID grows");
    // 8 of 1,096 days: 0.73%.
    double lastWeek = share(stats.salesInLastWeek, sales());
    assertTrue(lastWeek > 0.006 && lastWeek < 0.009, "share since 2024-12-24 " + lastWeek);
  }

  @Test
  void constructor_sizeFactorOutOfRange_throwsNamingArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SkewDataset(0.001, 1));
    assertEquals("sizeFactor must be in [0.01, 20], got 0.001; the default is 1.0",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SkewDataset(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> new SkewDataset(21, 1));
  }

  @Test
  void parameters_canonicalSizeAndSeed() {
    assertEquals("size=1,seed=42", SkewDataset.withDefaults().parameters());
    assertEquals("size=0.25,seed=-3", new SkewDataset(0.25, -3).parameters());
    assertFalse(new SkewDataset(1, 1).parameters().equals(new SkewDataset(1, 2).parameters()));
  }
}
