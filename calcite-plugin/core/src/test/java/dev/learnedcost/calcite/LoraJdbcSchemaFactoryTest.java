package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.Frameworks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoraJdbcSchemaFactory} from a JSON model file through {@code jdbc:calcite-lora:}: the
 * pushdown operand decides what the database runs, results match the database's, and every
 * operand error names the schema and the operand.
 */
class LoraJdbcSchemaFactoryTest {
  private static final String H2_URL = "jdbc:h2:mem:schema_factory;DB_CLOSE_DELAY=-1";
  private static final String JOIN = "select d.name, count(*) as n from fact f"
      + " join dim d on f.dim_id = d.id where f.v < 50 group by d.name order by d.name";

  @TempDir static Path dir;

  @BeforeAll
  static void load() throws SQLException {
    try (Connection c = DriverManager.getConnection(H2_URL, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("create table dim (id int primary key, name varchar(20))");
      s.execute("create table fact (id int primary key, dim_id int, v int)");
      s.execute("insert into dim select x, 'd' || x from system_range(1, 5)");
      s.execute("insert into fact select x, mod(x, 5) + 1, mod(x * 7, 100)"
          + " from system_range(1, 500)");
    }
  }

  @Test
  void scanPushdown_databaseRunsScansAndFilters_calciteJoinsAndAggregates() throws Exception {
    Path model = model("scan_model.json", "\"pushdown\": \"scan\"");
    try (Connection c = connect(model, "schema-factory-scan")) {
      String plan = TpchH2.plan(c, JOIN);
      assertThat(plan).contains("JdbcToEnumerableConverter").doesNotContain("JdbcJoin")
          .doesNotContain("JdbcAggregate").containsPattern("Enumerable\\w*Join");
      assertThat(rows(c, JOIN)).isEqualTo(h2Rows(JOIN));
    }
  }

  @Test
  void defaultPushdown_isScan() throws Exception {
    Path model = model("default_model.json", null);
    try (Connection c = connect(model, "schema-factory-default")) {
      assertThat(TpchH2.plan(c, JOIN)).doesNotContain("JdbcJoin")
          .containsPattern("Enumerable\\w*Join");
    }
  }

  @Test
  void fullPushdown_databaseRunsTheJoin() throws Exception {
    Path model = model("full_model.json", "\"pushdown\": \"full\"");
    try (Connection c = connect(model, "schema-factory-full")) {
      String plan = TpchH2.plan(c, JOIN);
      assertThat(plan).contains("JdbcJoin").doesNotContainPattern("Enumerable\\w*Join");
      assertThat(rows(c, JOIN)).isEqualTo(h2Rows(JOIN));
    }
  }

  @Test
  void readmeModelFile_withTheTestDatabase_connectsScanOnly() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("### Calcite model files");
    int from = readme.indexOf("```json\n", section) + "```json\n".length();
    int to = readme.indexOf("```", from);
    assertThat(section).as("README section on model files").isPositive();
    String json = readme.substring(from, to);
    assertThat(json).contains("\"factory\": \"" + LoraJdbcSchemaFactory.class.getName() + "\"",
        "\"jdbcUrl\": \"jdbc:h2:/var/lib/shop/shop\"");
    Path model = Files.writeString(dir.resolve("readme_model.json"),
        json.replace("jdbc:h2:/var/lib/shop/shop", H2_URL));
    try (Connection c = connect(model, "schema-factory-readme")) {
      assertThat(TpchH2.plan(c, JOIN)).doesNotContain("JdbcJoin")
          .contains("JdbcToEnumerableConverter");
      assertThat(rows(c, JOIN)).isEqualTo(h2Rows(JOIN));
      assertThat(rows(c, JOIN.replace(" fact ", " shop.fact "))).isEqualTo(h2Rows(JOIN));
    }
  }

  @Test
  @SuppressWarnings("deprecation") // tables() replaces getTableNames() from 1.39; 1.36 lacks it
  void create_withCatalogSchemaAndDriver_returnsJdbcSchemaOfTheTables() {
    SchemaPlus root = Frameworks.createRootSchema(true);
    JdbcSchema schema = (JdbcSchema) LoraJdbcSchemaFactory.INSTANCE.create(root, "S", Map.of(
        "jdbcUrl", H2_URL, "jdbcUser", "sa", "jdbcPassword", "", "jdbcDriver", "org.h2.Driver",
        "jdbcSchema", "PUBLIC"));
    assertThat(schema.getTableNames()).contains("DIM", "FACT");
  }

  @Test
  void missingUrl_namesTheOperand() {
    assertThat(failure(Map.of("jdbcUser", "sa")))
        .isEqualTo("schema 'S' (LoraJdbcSchemaFactory): operand jdbcUrl is required (the"
            + " database's JDBC URL, e.g. \"jdbc:h2:/var/lib/db/tpch\"), got none");
  }

  @Test
  void unknownPushdown_namesTheOperandAndValue() {
    assertThat(failure(Map.of("jdbcUrl", H2_URL, "pushdown", "joins")))
        .startsWith("schema 'S' (LoraJdbcSchemaFactory): operand pushdown must be \"scan\"")
        .endsWith("got 'joins'");
  }

  @Test
  void unknownOperand_listsTheOperands() {
    assertThat(failure(Map.of("jdbcURL", H2_URL)))
        .isEqualTo("schema 'S' (LoraJdbcSchemaFactory): unknown operand 'jdbcURL'; the operands"
            + " are jdbcUrl, jdbcUser, jdbcPassword, jdbcDriver, jdbcCatalog, jdbcSchema,"
            + " sqlDialectFactory, dataSource, pushdown");
  }

  @Test
  void nonStringOperand_namesItsType_butNeverThePassword() {
    assertThat(failure(Map.of("jdbcUrl", H2_URL, "jdbcUser", 42)))
        .endsWith("operand jdbcUser must be a string (in quotes in the model file), got 42"
            + " (Integer)");
    assertThat(failure(Map.of("jdbcUrl", H2_URL, "jdbcPassword", 12345)))
        .endsWith("operand jdbcPassword must be a string (in quotes in the model file), got a"
            + " value of type Integer")
        .doesNotContain("12345");
  }

  @Test
  void driverNotOnClassPath_namesTheClass() {
    assertThat(failure(Map.of("jdbcUrl", H2_URL, "jdbcDriver", "com.example.NoDriver")))
        .isEqualTo("schema 'S' (LoraJdbcSchemaFactory): operand jdbcDriver: the class"
            + " 'com.example.NoDriver' is not on the class path; add the driver's jar, or leave"
            + " jdbcDriver out to let DriverManager find the driver from the URL");
  }

  @Test
  void urlAndDataSource_areExclusive() {
    assertThat(failure(Map.of("jdbcUrl", H2_URL, "dataSource", "org.h2.jdbcx.JdbcDataSource")))
        .endsWith("give either operand jdbcUrl or operand dataSource, not both");
  }

  @Test
  void unreachableDatabase_namesUrlAndUser_notThePassword() {
    String url = "jdbc:h2:mem:schema_factory_auth;DB_CLOSE_DELAY=-1";
    try (Connection c = DriverManager.getConnection(url, "owner", "right")) {
      assertThat(failure(Map.of("jdbcUrl", url, "jdbcUser", "owner", "jdbcPassword",
          "wrong-secret")))
          .startsWith("schema 'S' (LoraJdbcSchemaFactory): cannot connect to jdbcUrl '" + url
              + "' as jdbcUser 'owner': Wrong user name or password")
          .doesNotContain("wrong-secret");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badOperandInModelFile_failsTheConnectionWithTheMessage() throws IOException {
    Path model = model("bad_model.json", "\"pushdown\": \"everything\"");
    assertThatThrownBy(() -> connect(model, "schema-factory-bad").close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(messages(e)).anyMatch(m -> m.contains(
            "schema 'H2' (LoraJdbcSchemaFactory): operand pushdown must be")));
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static String failure(Map<String, Object> operand) {
    SchemaPlus root = Frameworks.createRootSchema(true);
    try {
      LoraJdbcSchemaFactory.INSTANCE.create(root, "S", operand);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return e.getMessage();
    }
    throw new AssertionError("no failure for " + operand);
  }

  private static Path model(String file, String pushdownOperand) throws IOException {
    String json = "{\n"
        + "  \"version\": \"1.0\",\n"
        + "  \"defaultSchema\": \"H2\",\n"
        + "  \"schemas\": [{\n"
        + "    \"name\": \"H2\",\n"
        + "    \"type\": \"custom\",\n"
        + "    \"factory\": \"dev.learnedcost.calcite.LoraJdbcSchemaFactory\",\n"
        + "    \"operand\": {\n"
        + "      \"jdbcUrl\": \"" + H2_URL + "\",\n"
        + "      \"jdbcUser\": \"sa\",\n"
        + "      \"jdbcPassword\": \"\",\n"
        + (pushdownOperand == null ? "" : "      " + pushdownOperand + ",\n")
        + "      \"jdbcSchema\": \"PUBLIC\"\n"
        + "    }\n"
        + "  }]\n"
        + "}\n";
    return Files.writeString(dir.resolve(file), json);
  }

  private static Connection connect(Path model, String name) throws SQLException {
    return DriverManager.getConnection("jdbc:calcite-lora:model=" + model + ";loraName=" + name);
  }

  private static List<String> h2Rows(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(H2_URL, "sa", "")) {
      List<String> out = rows(c, sql);
      assertThat(out).hasSize(5);
      return out;
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1) + "," + rs.getLong(2));
      }
      return out;
    }
  }

  private static List<String> messages(Throwable e) {
    List<String> out = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.add(String.valueOf(t.getMessage()));
    }
    return out;
  }
}
