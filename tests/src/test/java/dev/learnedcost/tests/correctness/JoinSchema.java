package dev.learnedcost.tests.correctness;

import dev.learnedcost.examples.SkewDataset;
import dev.learnedcost.examples.TpchDataset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * What {@link QueryGenerator} knows about a data set: its tables, the foreign keys it may join
 * along, and per column the predicates that make sense for its values (at TPC-H scale factor
 * 0.01 and skew size {@value CorrectnessFixture#SKEW_SIZE}).
 *
 * @param dataset the data set's name
 * @param tables every table, by upper-case name
 * @param foreignKeys every many-to-one join, child to parent
 */
record JoinSchema(String dataset, Map<String, Table> tables, List<ForeignKey> foreignKeys) {

  /** Writes one predicate on a qualified column, e.g. {@code t2.o_orderdate >= DATE '...'}. */
  interface Predicate extends BiFunction<SplittableRandom, String, String> {}

  /**
   * One column the generator uses.
   *
   * @param name upper-case name
   * @param predicates predicate writers for it; empty if it is only selected
   * @param groupable low cardinality: a good GROUP BY key
   * @param summable numeric: a good SUM argument
   */
  record Column(String name, List<Predicate> predicates, boolean groupable, boolean summable) {}

  /**
   * One table.
   *
   * @param name upper-case name
   * @param primaryKey its primary-key columns: ordering by them is total
   * @param columns the columns the generator uses
   */
  record Table(String name, List<String> primaryKey, List<Column> columns) {}

  /**
   * A many-to-one join: every child row has at most one parent row (the parent columns are its
   * primary key), so a join tree grown along these never has more rows than its root table.
   */
  record ForeignKey(String child, List<String> childColumns, String parent,
      List<String> parentColumns) {}

  /** Returns the schema of a data set. */
  static JoinSchema of(String dataset) {
    return switch (dataset) {
      case TpchDataset.NAME -> tpch();
      case SkewDataset.NAME -> skew();
      default -> throw new IllegalArgumentException(
          "dataset must be tpch or skew, got " + dataset);
    };
  }

  // --- predicate writers ---------------------------------------------------------------------

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static Predicate eq(String... values) {
    return (r, c) -> c + " = " + quote(values[r.nextInt(values.length)]);
  }

  private static Predicate in(String... values) {
    return (r, c) -> {
      int n = 2 + r.nextInt(Math.min(3, values.length - 1));
      StringBuilder sb = new StringBuilder(c).append(" IN (");
      int first = r.nextInt(values.length);
      for (int i = 0; i < n; i++) {
        sb.append(i > 0 ? ", " : "").append(quote(values[(first + i) % values.length]));
      }
      return sb.append(')').toString();
    };
  }

  private static Predicate notEq(String... values) {
    return (r, c) -> c + " <> " + quote(values[r.nextInt(values.length)]);
  }

  private static Predicate like(String... prefixes) {
    return (r, c) -> c + " LIKE " + quote(prefixes[r.nextInt(prefixes.length)] + "%");
  }

  private static Predicate intEq(int lo, int hi) {
    return (r, c) -> c + " = " + r.nextInt(lo, hi + 1);
  }

  private static Predicate intIn(int lo, int hi) {
    return (r, c) -> c + " IN (" + r.nextInt(lo, hi + 1) + ", " + r.nextInt(lo, hi + 1) + ", "
        + r.nextInt(lo, hi + 1) + ")";
  }

  private static Predicate intRange(int lo, int hi) {
    return (r, c) -> {
      int a = r.nextInt(lo, hi + 1);
      int b = r.nextInt(lo, hi + 1);
      return switch (r.nextInt(3)) {
        case 0 -> c + " < " + a;
        case 1 -> c + " >= " + a;
        default -> c + " BETWEEN " + Math.min(a, b) + " AND " + Math.max(a, b);
      };
    };
  }

  /** A range over a DECIMAL column, with two decimals. */
  private static Predicate decimalRange(double lo, double hi) {
    return (r, c) -> {
      String a = String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble(lo, hi));
      String b = String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble(lo, hi));
      return switch (r.nextInt(3)) {
        case 0 -> c + " < " + a;
        case 1 -> c + " > " + a;
        default -> Double.parseDouble(a) <= Double.parseDouble(b)
            ? c + " BETWEEN " + a + " AND " + b : c + " BETWEEN " + b + " AND " + a;
      };
    };
  }

  /** A range over a DATE column between two dates (inclusive), as yyyy-mm-dd. */
  private static Predicate dateRange(String first, String last) {
    long lo = java.time.LocalDate.parse(first).toEpochDay();
    long hi = java.time.LocalDate.parse(last).toEpochDay();
    return (r, c) -> {
      String a = java.time.LocalDate.ofEpochDay(r.nextLong(lo, hi + 1)).toString();
      return switch (r.nextInt(3)) {
        case 0 -> c + " < DATE '" + a + "'";
        case 1 -> c + " >= DATE '" + a + "'";
        default -> c + " >= DATE '" + a + "' AND " + c + " < DATE '" + a + "' + INTERVAL '"
            + (1 + r.nextInt(12)) + "' MONTH";
      };
    };
  }

  private static Column col(String name, Predicate... predicates) {
    return new Column(name, List.of(predicates), false, false);
  }

  private static Column group(String name, Predicate... predicates) {
    return new Column(name, List.of(predicates), true, false);
  }

  private static Column sum(String name, Predicate... predicates) {
    return new Column(name, List.of(predicates), false, true);
  }

  private static Table table(String name, List<String> key, Column... columns) {
    return new Table(name, key, List.of(columns));
  }

  private static Map<String, Table> byName(Table... tables) {
    java.util.Map<String, Table> m = new java.util.LinkedHashMap<>();
    for (Table t : tables) {
      m.put(t.name(), t);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static ForeignKey fk(String child, String childColumn, String parent,
      String parentColumn) {
    return new ForeignKey(child, List.of(childColumn), parent, List.of(parentColumn));
  }

  // --- the two schemas -----------------------------------------------------------------------

  private static final String[] NATIONS = {"ALGERIA", "ARGENTINA", "BRAZIL", "CANADA", "EGYPT",
      "ETHIOPIA", "FRANCE", "GERMANY", "INDIA", "INDONESIA", "IRAN", "IRAQ", "JAPAN", "JORDAN",
      "KENYA", "MOROCCO", "MOZAMBIQUE", "PERU", "CHINA", "ROMANIA", "SAUDI ARABIA", "VIETNAM",
      "RUSSIA", "UNITED KINGDOM", "UNITED STATES"};
  private static final String[] REGIONS = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
  private static final String[] SEGMENTS =
      {"AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"};
  private static final String[] PRIORITIES =
      {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
  private static final String[] SHIP_MODES =
      {"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"};
  private static final String[] INSTRUCTIONS =
      {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
  private static final String[] CONTAINERS = {"SM CASE", "SM BOX", "MED BAG", "MED PKG",
      "LG CASE", "LG PACK", "JUMBO JAR", "WRAP BOX", "WRAP PKG"};
  private static final String[] TYPE_PREFIXES =
      {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO", "PROMO BRUSHED"};
  private static final String[] COLORS =
      {"almond", "blue", "forest", "green", "lemon", "red", "a", "s", "m"};

  private static String[] brands() {
    String[] b = new String[25];
    for (int i = 0; i < 25; i++) {
      b[i] = "Brand#" + (i / 5 + 1) + (i % 5 + 1);
    }
    return b;
  }

  /** TPC-H at scale factor 0.01: keys and value ranges from the specification's generator. */
  static JoinSchema tpch() {
    Map<String, Table> tables = byName(
        table("REGION", List.of("R_REGIONKEY"),
            col("R_REGIONKEY", intRange(0, 4)),
            group("R_NAME", eq(REGIONS), in(REGIONS), notEq(REGIONS))),
        table("NATION", List.of("N_NATIONKEY"),
            col("N_NATIONKEY", intRange(0, 24), intIn(0, 24)),
            group("N_NAME", eq(NATIONS), in(NATIONS), like("A", "I", "U", "M", "E")),
            sum("N_REGIONKEY")),
        table("SUPPLIER", List.of("S_SUPPKEY"),
            col("S_SUPPKEY", intRange(1, 100)),
            col("S_NAME", like("Supplier#00000000", "Supplier#00000005", "Supplier#0000001")),
            group("S_NATIONKEY", intEq(0, 24)),
            sum("S_ACCTBAL", decimalRange(-999.99, 9999.99))),
        table("CUSTOMER", List.of("C_CUSTKEY"),
            col("C_CUSTKEY", intRange(1, 1500)),
            col("C_NAME", like("Customer#00000001", "Customer#0000012", "Customer#000000")),
            col("C_PHONE", like("1", "2", "25-", "30-")),
            group("C_MKTSEGMENT", eq(SEGMENTS), in(SEGMENTS)),
            group("C_NATIONKEY", intEq(0, 24), intIn(0, 24)),
            sum("C_ACCTBAL", decimalRange(-999.99, 9999.99))),
        table("PART", List.of("P_PARTKEY"),
            col("P_PARTKEY", intRange(1, 2000)),
            col("P_NAME", like(COLORS)),
            group("P_BRAND", eq(brands()), in(brands())),
            col("P_TYPE", like(TYPE_PREFIXES)),
            group("P_SIZE", intRange(1, 50), intIn(1, 50)),
            group("P_CONTAINER", eq(CONTAINERS), in(CONTAINERS)),
            group("P_MFGR", eq("Manufacturer#1", "Manufacturer#3", "Manufacturer#5")),
            sum("P_RETAILPRICE", decimalRange(900, 2100))),
        table("PARTSUPP", List.of("PS_PARTKEY", "PS_SUPPKEY"),
            sum("PS_AVAILQTY", intRange(1, 9999)),
            sum("PS_SUPPLYCOST", decimalRange(1, 1000))),
        table("ORDERS", List.of("O_ORDERKEY"),
            col("O_ORDERKEY", intRange(1, 60000)),
            group("O_ORDERSTATUS", eq("F", "O", "P"), in("F", "O", "P")),
            group("O_ORDERPRIORITY", eq(PRIORITIES), in(PRIORITIES), like("1", "2", "5")),
            col("O_ORDERDATE", dateRange("1992-01-01", "1998-08-02")),
            sum("O_TOTALPRICE", decimalRange(800, 500000))),
        table("LINEITEM", List.of("L_ORDERKEY", "L_LINENUMBER"),
            col("L_ORDERKEY", intRange(1, 60000)),
            group("L_LINENUMBER", intEq(1, 7)),
            group("L_RETURNFLAG", eq("A", "N", "R"), in("A", "N", "R")),
            group("L_LINESTATUS", eq("O", "F")),
            group("L_SHIPMODE", eq(SHIP_MODES), in(SHIP_MODES)),
            col("L_SHIPINSTRUCT", eq(INSTRUCTIONS), like("DELIVER", "TAKE")),
            col("L_SHIPDATE", dateRange("1992-01-02", "1998-12-01")),
            sum("L_QUANTITY", decimalRange(1, 50)),
            sum("L_EXTENDEDPRICE", decimalRange(900, 100000)),
            col("L_DISCOUNT", decimalRange(0, 0.10))));
    List<ForeignKey> fks = List.of(
        fk("NATION", "N_REGIONKEY", "REGION", "R_REGIONKEY"),
        fk("SUPPLIER", "S_NATIONKEY", "NATION", "N_NATIONKEY"),
        fk("CUSTOMER", "C_NATIONKEY", "NATION", "N_NATIONKEY"),
        fk("PARTSUPP", "PS_PARTKEY", "PART", "P_PARTKEY"),
        fk("PARTSUPP", "PS_SUPPKEY", "SUPPLIER", "S_SUPPKEY"),
        fk("ORDERS", "O_CUSTKEY", "CUSTOMER", "C_CUSTKEY"),
        fk("LINEITEM", "L_ORDERKEY", "ORDERS", "O_ORDERKEY"),
        fk("LINEITEM", "L_PARTKEY", "PART", "P_PARTKEY"),
        fk("LINEITEM", "L_SUPPKEY", "SUPPLIER", "S_SUPPKEY"),
        new ForeignKey("LINEITEM", List.of("L_PARTKEY", "L_SUPPKEY"), "PARTSUPP",
            List.of("PS_PARTKEY", "PS_SUPPKEY")));
    return new JoinSchema(TpchDataset.NAME, tables, fks);
  }

  private static final String[] CONTINENTS = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "OCEANIA"};
  private static final String[] CHANNELS = {"WEB", "STORE", "PHONE"};

  /** The skew data set at size {@value CorrectnessFixture#SKEW_SIZE}. */
  static JoinSchema skew() {
    Map<String, Table> tables = byName(
        table("COUNTRY", List.of("CO_ID"),
            col("CO_ID", intRange(1, 50), intIn(1, 50)),
            group("CO_NAME", like("COUNTRY 0", "COUNTRY 1", "COUNTRY 4")),
            group("CO_CONTINENT", eq(CONTINENTS), in(CONTINENTS))),
        table("CITY", List.of("CI_ID"),
            col("CI_ID", intRange(1, 5000)),
            col("CI_NAME", like("CITY 00", "CITY 1", "CITY 49")),
            group("CI_COUNTRY_ID", intEq(1, 10), intIn(1, 50))),
        table("PRODUCT", List.of("PR_ID"),
            col("PR_ID", intRange(1, 5000)),
            col("PR_NAME", like("PRODUCT 00", "PRODUCT 4")),
            group("PR_CATEGORY", eq("CATEGORY 01", "CATEGORY 07", "CATEGORY 20"),
                like("CATEGORY 1", "CATEGORY 0")),
            group("PR_STATUS", eq("ACTIVE", "RECALLED")),
            sum("PR_PRICE", decimalRange(1, 1000))),
        table("CUSTOMER", List.of("CU_ID"),
            col("CU_ID", intRange(1, 1000)),
            col("CU_NAME", like("CUSTOMER 0000", "CUSTOMER 0005")),
            col("CU_CITY_ID", intRange(1, 5000), intEq(1, 20)),
            group("CU_COUNTRY_ID", intEq(1, 10), intIn(1, 50)),
            group("CU_SEGMENT", eq("WHOLESALE", "RETAIL"))),
        table("SALES", List.of("SA_ID"),
            col("SA_ID", intRange(1, 10000)),
            col("SA_DATE", dateRange("2022-01-01", "2024-12-31")),
            group("SA_QUANTITY", intRange(1, 10), intIn(1, 10)),
            sum("SA_AMOUNT", decimalRange(1, 5000)),
            group("SA_STATUS", eq("RETURNED", "COMPLETE")),
            group("SA_CHANNEL", eq(CHANNELS), in(CHANNELS), notEq(CHANNELS))));
    List<ForeignKey> fks = List.of(
        fk("SALES", "SA_CUSTOMER_ID", "CUSTOMER", "CU_ID"),
        fk("SALES", "SA_PRODUCT_ID", "PRODUCT", "PR_ID"),
        fk("CUSTOMER", "CU_CITY_ID", "CITY", "CI_ID"),
        fk("CUSTOMER", "CU_COUNTRY_ID", "COUNTRY", "CO_ID"),
        fk("CITY", "CI_COUNTRY_ID", "COUNTRY", "CO_ID"));
    return new JoinSchema(SkewDataset.NAME, tables, fks);
  }
}
