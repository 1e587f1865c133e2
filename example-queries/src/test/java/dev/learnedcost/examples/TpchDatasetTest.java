package dev.learnedcost.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trino.tpch.LineItem;
import io.trino.tpch.TpchTable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TpchDatasetTest {

  private static DemoDatabase db;

  @BeforeAll
  static void open() throws Exception {
    db = SharedDatabases.tpch();
  }

  @AfterAll
  static void close() throws SQLException {
    db.close();
  }

  /** Row counts of TPC-H at scale factor 0.01, as dbgen produces them. */
  private static Map<String, Long> specifiedCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("REGION", 5L);
    counts.put("NATION", 25L);
    counts.put("SUPPLIER", 100L);
    counts.put("CUSTOMER", 1_500L);
    counts.put("PART", 2_000L);
    counts.put("PARTSUPP", 8_000L);
    counts.put("ORDERS", 15_000L);
    counts.put("LINEITEM", 60_175L);
    return counts;
  }

  @Test
  void open_defaultScale_tablesHoldSpecifiedRowCounts() throws SQLException {
    Map<String, Long> actual = new LinkedHashMap<>();
    try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
      for (String table : db.dataset().tableNames()) {
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          actual.put(table, rs.getLong(1));
        }
      }
    }
    assertEquals(specifiedCounts(), actual);
    assertEquals(specifiedCounts(), db.manifest().rowCounts());
    assertEquals(86_805L, db.manifest().totalRows());
  }

  @Test
  void open_defaultScale_manifestRecordsParametersAndGenerator() {
    DatasetManifest manifest = db.manifest();
    assertEquals("tpch", manifest.dataset());
    assertEquals("scale=0.01", manifest.parameters());
    assertEquals("io.trino.tpch:tpch:1.2", manifest.generator());
  }

  @Test
  void columns_followSpecificationTypes() throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("LINEITEM.L_ORDERKEY", "BIGINT");
    expected.put("LINEITEM.L_LINENUMBER", "INTEGER");
    expected.put("LINEITEM.L_QUANTITY", "DECIMAL(15,2)");
    expected.put("LINEITEM.L_EXTENDEDPRICE", "DECIMAL(15,2)");
    expected.put("LINEITEM.L_SHIPDATE", "DATE");
    expected.put("LINEITEM.L_COMMENT", "CHARACTER VARYING(44)");
    expected.put("ORDERS.O_TOTALPRICE", "DECIMAL(15,2)");
    expected.put("CUSTOMER.C_MKTSEGMENT", "CHARACTER VARYING(10)");
    Map<String, String> actual = new LinkedHashMap<>();
    try (Connection connection = db.connect();
        PreparedStatement query = connection.prepareStatement(
            "SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE"
                + " FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
      for (String key : expected.keySet()) {
        String[] parts = key.split("\\.");
        query.setString(1, parts[0]);
        query.setString(2, parts[1]);
        try (ResultSet rs = query.executeQuery()) {
          assertTrue(rs.next(), "column " + key + " exists");
          String type = rs.getString(1);
          if (type.equals("DECIMAL") || type.equals("NUMERIC")) {
            type = "DECIMAL(" + rs.getInt(3) + "," + rs.getInt(4) + ")";
          } else if (type.equals("CHARACTER VARYING")) {
            type += "(" + rs.getInt(2) + ")";
          }
          actual.put(key, type);
        }
      }
    }
    assertEquals(expected, actual);
  }

  @Test
  void lineitems_holdTheGeneratorsValuesExactly() throws SQLException {
    // Independent path: the generator's own first 1,000 line items against the loaded rows.
    int checked = 0;
    try (Connection connection = db.connect(); PreparedStatement query = connection.prepareStatement(
        "SELECT L_QUANTITY, L_EXTENDEDPRICE, L_DISCOUNT, L_TAX, L_SHIPDATE, L_COMMENT"
            + " FROM LINEITEM WHERE L_ORDERKEY = ? AND L_LINENUMBER = ?")) {
      for (LineItem item : TpchTable.LINE_ITEM.createGenerator(0.01, 1, 1)) {
        query.setLong(1, item.getOrderKey());
        query.setInt(2, item.getLineNumber());
        try (ResultSet rs = query.executeQuery()) {
          assertTrue(rs.next(), "line item " + item.getOrderKey() + "/" + item.getLineNumber());
          assertEquals(cents(item.getQuantity() * 100L), rs.getBigDecimal(1));
          assertEquals(cents(item.getExtendedPriceInCents()), rs.getBigDecimal(2));
          assertEquals(cents(item.getDiscountPercent()), rs.getBigDecimal(3));
          assertEquals(cents(item.getTaxPercent()), rs.getBigDecimal(4));
          assertEquals(LocalDate.ofEpochDay(item.getShipDate()),
              rs.getObject(5, LocalDate.class));
          assertEquals(item.getComment(), rs.getString(6));
        }
        if (++checked == 1_000) {
          break;
        }
      }
    }
    assertEquals(1_000, checked);
  }

  private static BigDecimal cents(long hundredths) {
    return BigDecimal.valueOf(hundredths, 2);
  }

  @Test
  void constructor_nonPositiveScale_throwsNamingArgument() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TpchDataset(0));
    assertEquals("scaleFactor must be in (0, 100], got 0.0; the default is 0.01", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TpchDataset(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new TpchDataset(101));
  }

  @Test
  void parameters_canonicalScale() {
    assertEquals("scale=0.01", new TpchDataset(0.010).parameters());
    assertEquals("scale=1", new TpchDataset(1.0).parameters());
  }
}
