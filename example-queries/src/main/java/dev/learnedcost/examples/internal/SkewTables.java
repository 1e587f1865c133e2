package dev.learnedcost.examples.internal;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generator of the {@code skew} data set: a sales star schema whose sizes, key distributions
 * and value correlations defeat Calcite's stock estimates (every JDBC table counts 100 rows,
 * {@code =} keeps 15%, a range 50%, conjuncts multiply).
 *
 * <h2>Design notes</h2>
 * <pre>
 * table      rows (size 1)   keys and skew
 * COUNTRY              50    CO_ID; 5 continents of 10 countries each
 * CITY              5,000    CI_COUNTRY_ID ~ Zipf(1.0) over country ids: country 1 has 22%
 * PRODUCT           5,000    PR_STATUS 'RECALLED' for 10 unpopular products, else 'ACTIVE'
 * CUSTOMER         50,000    CU_CITY_ID ~ Zipf(1.0) over city ids; CU_COUNTRY_ID = the city's
 *                            country (functionally dependent); CU_SEGMENT 'WHOLESALE' for the
 *                            1% of customers who buy most, else 'RETAIL'
 * SALES           500,000    SA_CUSTOMER_ID ~ Zipf(1.1) over a random ranking of customers
 *                            (the wholesale 1% place about 70% of sales); SA_PRODUCT_ID ~
 *                            Zipf(0.9) over a random ranking of products; SA_STATUS 'RETURNED'
 *                            for 0.5%; SA_CHANNEL WEB 60% / STORE 35% / PHONE 5%; SA_DATE
 *                            spread evenly over 2022-01-01 .. 2024-12-31 and non-decreasing
 *                            in SA_ID (sales are recorded in time order)
 * </pre>
 * <ul>
 *   <li>Determinism: one {@link SplittableRandom} per purpose, seeded from a root stream of the
 *       data set's seed in a fixed order; each table's rows are generated sequentially from its
 *       own stream, so a table's content depends only on the seed and the size factor.</li>
 *   <li>Indexes: the primary keys, every foreign key, {@code SA_DATE}, {@code PR_STATUS} and
 *       {@code CU_SEGMENT}; not {@code SA_STATUS} or {@code SA_CHANNEL}: each index on
 *       {@code SALES} adds 2 to 4 s to the load, and H2 scans 500,000 rows in about 0.2 s.</li>
 *   <li>{@code sizeFactor} scales {@code SALES} and {@code CUSTOMER}; the three small dimensions
 *       are fixed so that the size ratios, the point of the data set, grow with it.</li>
 *   <li>Bump {@link #GENERATOR_VERSION} on any change to what is generated: databases built by
 *       an older generator are then rebuilt instead of reused.</li>
 * </ul>
 */
public final class SkewTables {

  /** Table names in creation order. */
  public static final List<String> TABLE_NAMES =
      List.of("COUNTRY", "CITY", "PRODUCT", "CUSTOMER", "SALES");

  /** Version of the generation rules, recorded in the manifest. */
  public static final int GENERATOR_VERSION = 1;

  static final int COUNTRIES = 50;
  static final int CONTINENTS = 5;
  static final int CITIES = 5_000;
  static final int PRODUCTS = 5_000;
  static final int CATEGORIES = 20;
  static final int RECALLED_PRODUCTS = 10;
  static final long CUSTOMERS_AT_SIZE_1 = 50_000;
  static final long SALES_AT_SIZE_1 = 500_000;
  static final double CITY_COUNTRY_EXPONENT = 1.0;
  static final double CUSTOMER_CITY_EXPONENT = 1.0;
  static final double SALES_CUSTOMER_EXPONENT = 1.1;
  static final double SALES_PRODUCT_EXPONENT = 0.9;
  /** Share of customers, by purchase rank, in segment 'WHOLESALE'. */
  static final double WHOLESALE_SHARE = 0.01;
  static final double RETURNED_SHARE = 0.005;
  static final LocalDate FIRST_SALE = LocalDate.of(2022, 1, 1);
  static final int SALE_DAYS = 1096;

  private static final String[] CONTINENT_NAMES =
      {"AFRICA", "AMERICA", "ASIA", "EUROPE", "OCEANIA"};

  private SkewTables() {}

  /** Returns the generator identity recorded in the manifest. */
  public static String generatorVersion() {
    return "dev.learnedcost.examples.skew:" + GENERATOR_VERSION;
  }

  /** Returns the rows of each table for {@code sizeFactor}, in creation order. */
  public static Map<String, Long> rowCounts(double sizeFactor) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("COUNTRY", (long) COUNTRIES);
    counts.put("CITY", (long) CITIES);
    counts.put("PRODUCT", (long) PRODUCTS);
    counts.put("CUSTOMER", customerCount(sizeFactor));
    counts.put("SALES", Math.max(1, Math.round(SALES_AT_SIZE_1 * sizeFactor)));
    return counts;
  }

  private static long customerCount(double sizeFactor) {
    return Math.max(1, Math.round(CUSTOMERS_AT_SIZE_1 * sizeFactor));
  }

  /**
   * Returns the five tables in creation order.
   *
   * @param sizeFactor validated by {@code SkewDataset}
   * @param seed seed of every random choice
   */
  public static List<TableSource> tables(double sizeFactor, long seed) {
    Model model = new Model(sizeFactor, seed);
    Map<String, Long> counts = rowCounts(sizeFactor);
    return List.of(
        source(countryTable(), counts, model::countries),
        source(cityTable(), counts, model::cities),
        source(productTable(), counts, model::products),
        source(customerTable(), counts, model::customers),
        source(salesTable(), counts, model::sales));
  }

  /** The name of country {@code id}, e.g. {@code COUNTRY 07}. */
  static String countryName(int id) {
    return String.format("COUNTRY %02d", id);
  }

  /** The continent of country {@code id}: ids 1, 6, 11... are in AFRICA, 2, 7... AMERICA. */
  static String continent(int countryId) {
    return CONTINENT_NAMES[(countryId - 1) % CONTINENTS];
  }

  private static TableDefinition countryTable() {
    return new TableDefinition("COUNTRY", List.of(
        ColumnDefinition.integer("CO_ID"),
        ColumnDefinition.varchar("CO_NAME", 25),
        ColumnDefinition.varchar("CO_CONTINENT", 12)),
        List.of("CO_ID"), List.of());
  }

  private static TableDefinition cityTable() {
    return new TableDefinition("CITY", List.of(
        ColumnDefinition.integer("CI_ID"),
        ColumnDefinition.varchar("CI_NAME", 25),
        ColumnDefinition.integer("CI_COUNTRY_ID")),
        List.of("CI_ID"), List.of(IndexDefinition.of("IDX_CITY_COUNTRY", "CI_COUNTRY_ID")));
  }

  private static TableDefinition productTable() {
    return new TableDefinition("PRODUCT", List.of(
        ColumnDefinition.integer("PR_ID"),
        ColumnDefinition.varchar("PR_NAME", 25),
        ColumnDefinition.varchar("PR_CATEGORY", 16),
        ColumnDefinition.varchar("PR_STATUS", 10),
        ColumnDefinition.decimal("PR_PRICE", 10, 2)),
        List.of("PR_ID"), List.of(IndexDefinition.of("IDX_PRODUCT_STATUS", "PR_STATUS")));
  }

  private static TableDefinition customerTable() {
    return new TableDefinition("CUSTOMER", List.of(
        ColumnDefinition.integer("CU_ID"),
        ColumnDefinition.varchar("CU_NAME", 25),
        ColumnDefinition.integer("CU_CITY_ID"),
        ColumnDefinition.integer("CU_COUNTRY_ID"),
        ColumnDefinition.varchar("CU_SEGMENT", 10)),
        List.of("CU_ID"), List.of(
            IndexDefinition.of("IDX_CUSTOMER_CITY", "CU_CITY_ID"),
            IndexDefinition.of("IDX_CUSTOMER_COUNTRY", "CU_COUNTRY_ID"),
            IndexDefinition.of("IDX_CUSTOMER_SEGMENT", "CU_SEGMENT")));
  }

  private static TableDefinition salesTable() {
    return new TableDefinition("SALES", List.of(
        ColumnDefinition.bigint("SA_ID"),
        ColumnDefinition.integer("SA_CUSTOMER_ID"),
        ColumnDefinition.integer("SA_PRODUCT_ID"),
        ColumnDefinition.date("SA_DATE"),
        ColumnDefinition.integer("SA_QUANTITY"),
        ColumnDefinition.decimal("SA_AMOUNT", 12, 2),
        ColumnDefinition.varchar("SA_STATUS", 10),
        ColumnDefinition.varchar("SA_CHANNEL", 8)),
        List.of("SA_ID"), List.of(
            IndexDefinition.of("IDX_SALES_CUSTOMER", "SA_CUSTOMER_ID"),
            IndexDefinition.of("IDX_SALES_PRODUCT", "SA_PRODUCT_ID"),
            IndexDefinition.of("IDX_SALES_DATE", "SA_DATE")));
  }

  /** The source of one table whose rows the shared model generates. */
  private static TableSource source(TableDefinition definition, Map<String, Long> counts,
      TableSource.Generator generator) {
    return TableSource.of(definition, counts.get(definition.name()), generator);
  }

  /**
   * The random choices shared between tables (which country each city is in, the popularity
   * ranking of customers and products, product prices), drawn once, and the seeds of each
   * table's own stream.
   */
  static final class Model {
    final int customerCount;
    final long salesCount;
    /** cityCountry[cityId - 1] = country id. */
    final int[] cityCountry;
    /** customerByRank[rank - 1] = customer id; rank 1 buys most. */
    final int[] customerByRank;
    /** productByRank[rank - 1] = product id; rank 1 sells most. */
    final int[] productByRank;
    /** productPriceCents[productId - 1]. */
    final long[] productPriceCents;
    final boolean[] recalled;
    final long customerSeed;
    final long salesSeed;

    Model(double sizeFactor, long seed) {
      customerCount = Math.toIntExact(SkewTables.customerCount(sizeFactor));
      salesCount = Math.max(1, Math.round(SALES_AT_SIZE_1 * sizeFactor));
      SplittableRandom root = new SplittableRandom(seed);
      SplittableRandom cityRandom = new SplittableRandom(root.nextLong());
      SplittableRandom rankingRandom = new SplittableRandom(root.nextLong());
      SplittableRandom productRandom = new SplittableRandom(root.nextLong());
      customerSeed = root.nextLong();
      salesSeed = root.nextLong();

      ZipfSampler countries = new ZipfSampler(COUNTRIES, CITY_COUNTRY_EXPONENT);
      cityCountry = new int[CITIES];
      for (int i = 0; i < CITIES; i++) {
        cityCountry[i] = countries.sample(cityRandom);
      }
      customerByRank = permutation(customerCount, rankingRandom);
      productByRank = permutation(PRODUCTS, rankingRandom);
      productPriceCents = new long[PRODUCTS];
      for (int i = 0; i < PRODUCTS; i++) {
        productPriceCents[i] = productRandom.nextLong(100, 50_001);
      }
      // Recall the least popular products, so that 'RECALLED' is rare in SALES as well.
      recalled = new boolean[PRODUCTS];
      for (int rank = PRODUCTS; rank > PRODUCTS - RECALLED_PRODUCTS; rank--) {
        recalled[productByRank[rank - 1] - 1] = true;
      }
    }

    /** A random permutation of 1..n (Fisher-Yates). */
    private static int[] permutation(int n, SplittableRandom random) {
      int[] ids = new int[n];
      for (int i = 0; i < n; i++) {
        ids[i] = i + 1;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
      }
      return ids;
    }

    void countries(TableSource.RowSink sink) throws SQLException {
      for (int id = 1; id <= COUNTRIES; id++) {
        sink.accept(new Object[] {id, countryName(id), continent(id)});
      }
    }

    void cities(TableSource.RowSink sink) throws SQLException {
      for (int id = 1; id <= CITIES; id++) {
        sink.accept(new Object[] {id, String.format("CITY %04d", id), cityCountry[id - 1]});
      }
    }

    void products(TableSource.RowSink sink) throws SQLException {
      for (int id = 1; id <= PRODUCTS; id++) {
        sink.accept(new Object[] {
            id,
            String.format("PRODUCT %04d", id),
            String.format("CATEGORY %02d", (id - 1) % CATEGORIES + 1),
            recalled[id - 1] ? "RECALLED" : "ACTIVE",
            BigDecimal.valueOf(productPriceCents[id - 1], 2)});
      }
    }

    void customers(TableSource.RowSink sink) throws SQLException {
      SplittableRandom random = new SplittableRandom(customerSeed);
      ZipfSampler cities = new ZipfSampler(CITIES, CUSTOMER_CITY_EXPONENT);
      int[] rankOf = new int[customerCount];
      for (int rank = 1; rank <= customerCount; rank++) {
        rankOf[customerByRank[rank - 1] - 1] = rank;
      }
      long wholesaleRanks = Math.max(1, Math.round(customerCount * WHOLESALE_SHARE));
      for (int id = 1; id <= customerCount; id++) {
        int city = cities.sample(random);
        sink.accept(new Object[] {
            id,
            String.format("CUSTOMER %06d", id),
            city,
            cityCountry[city - 1],
            rankOf[id - 1] <= wholesaleRanks ? "WHOLESALE" : "RETAIL"});
      }
    }

    void sales(TableSource.RowSink sink) throws SQLException {
      SplittableRandom random = new SplittableRandom(salesSeed);
      ZipfSampler customers = new ZipfSampler(customerCount, SALES_CUSTOMER_EXPONENT);
      ZipfSampler products = new ZipfSampler(PRODUCTS, SALES_PRODUCT_EXPONENT);
      Object[] row = new Object[8];
      for (long id = 1; id <= salesCount; id++) {
        int product = productByRank[products.sample(random) - 1];
        int quantity = random.nextInt(1, 11);
        double channel = random.nextDouble();
        row[0] = id;
        row[1] = customerByRank[customers.sample(random) - 1];
        row[2] = product;
        row[3] = FIRST_SALE.plusDays((id - 1) * SALE_DAYS / salesCount);
        row[4] = quantity;
        row[5] = BigDecimal.valueOf(productPriceCents[product - 1] * quantity, 2);
        row[6] = random.nextDouble() < RETURNED_SHARE ? "RETURNED" : "COMPLETE";
        row[7] = channel < 0.60 ? "WEB" : channel < 0.95 ? "STORE" : "PHONE";
        sink.accept(row);
      }
    }
  }
}
