package dev.learnedcost.calcite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.model.ModelHandler;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlDialectFactory;
import org.apache.calcite.sql.SqlDialectFactoryImpl;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A schema factory for Calcite JSON model files: a JDBC database as a schema, with the
 * operations the database runs chosen by the {@code pushdown} operand. With the default
 * ({@code "scan"}) the database runs scans, filters and projections only
 * ({@link ScanOnlyJdbcConvention}) and Calcite plans the joins, aggregates and sorts, the plan
 * choices the learned model corrects; with {@code "full"} it is Calcite's own JDBC schema, which
 * pushes whatever the database can run.
 *
 * <pre>{@code
 * {
 *   "version": "1.0",
 *   "defaultSchema": "TPCH",
 *   "schemas": [{
 *     "name": "TPCH",
 *     "type": "custom",
 *     "factory": "dev.learnedcost.calcite.LoraJdbcSchemaFactory",
 *     "operand": {
 *       "jdbcUrl": "jdbc:h2:/var/lib/tpch/tpch",
 *       "jdbcUser": "sa",
 *       "jdbcPassword": "",
 *       "jdbcSchema": "PUBLIC",
 *       "pushdown": "scan"
 *     }
 *   }]
 * }
 * }</pre>
 *
 * <p>Operands, as Calcite's {@code JdbcSchema.Factory} reads them, plus {@code pushdown}:
 * {@code jdbcUrl} (required unless {@code dataSource}), {@code jdbcUser}, {@code jdbcPassword},
 * {@code jdbcDriver} (a driver class; omitted, {@code DriverManager} finds the driver from the
 * URL), {@code jdbcCatalog}, {@code jdbcSchema}, {@code sqlDialectFactory} (a
 * {@link SqlDialectFactory} class), {@code dataSource} (a {@link DataSource} class, instead of
 * the {@code jdbc*} connection operands) and {@code pushdown} ({@code "scan"} or
 * {@code "full"}). Every operand is a string. An unknown operand, a missing or mistyped one, a
 * driver class that is not on the class path and a database that cannot be reached fail the
 * schema (and so the connection) with a message naming the schema and the operand; the
 * password is never printed. Connections come from Calcite's pool for the URL, user and
 * password (DBCP, shared by every schema of the same database in the JVM).
 */
public final class LoraJdbcSchemaFactory implements SchemaFactory {
  /** The instance Calcite's model handler uses. */
  public static final LoraJdbcSchemaFactory INSTANCE = new LoraJdbcSchemaFactory();

  /** Operand: the JDBC URL of the database. */
  public static final String JDBC_URL = "jdbcUrl";
  /** Operand: the database user. */
  public static final String JDBC_USER = "jdbcUser";
  /** Operand: the database password. */
  public static final String JDBC_PASSWORD = "jdbcPassword";
  /** Operand: the JDBC driver class. */
  public static final String JDBC_DRIVER = "jdbcDriver";
  /** Operand: the database catalog the tables are in. */
  public static final String JDBC_CATALOG = "jdbcCatalog";
  /** Operand: the database schema the tables are in. */
  public static final String JDBC_SCHEMA = "jdbcSchema";
  /** Operand: a {@link SqlDialectFactory} class. */
  public static final String SQL_DIALECT_FACTORY = "sqlDialectFactory";
  /** Operand: a {@link DataSource} class, instead of the connection operands. */
  public static final String DATA_SOURCE = "dataSource";
  /** Operand: which operations the database runs, {@code "scan"} or {@code "full"}. */
  public static final String PUSHDOWN = "pushdown";

  private static final List<String> OPERANDS = List.of(JDBC_URL, JDBC_USER, JDBC_PASSWORD,
      JDBC_DRIVER, JDBC_CATALOG, JDBC_SCHEMA, SQL_DIALECT_FACTORY, DATA_SOURCE, PUSHDOWN);

  /** Which operations the database runs. */
  enum Pushdown {
    /** Scans, filters and projections ({@link ScanOnlyJdbcConvention}); Calcite runs the rest. */
    SCAN,
    /** Whatever Calcite's JDBC adapter pushes (joins, aggregates, sorts...). */
    FULL;

    /** Returns the operand value, lower case. */
    String operandValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private LoraJdbcSchemaFactory() {}

  /**
   * Creates the schema {@code name} from a model file's operands.
   *
   * @throws IllegalArgumentException naming the schema and the operand, for an unknown,
   *     missing or mistyped operand, or a driver class that is not on the class path
   * @throws IllegalStateException naming the schema and the URL, when the database cannot be
   *     reached
   */
  @Override
  public Schema create(SchemaPlus parentSchema, String name, Map<String, Object> operand) {
    Objects.requireNonNull(parentSchema, "parentSchema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(operand, "operand");
    String where = "schema '" + name + "' (" + LoraJdbcSchemaFactory.class.getSimpleName()
        + "): ";
    checkKnown(where, operand);
    Pushdown pushdown = pushdown(where, string(where, operand, PUSHDOWN));
    String url = string(where, operand, JDBC_URL);
    String dataSourceClass = string(where, operand, DATA_SOURCE);
    String user = string(where, operand, JDBC_USER);
    DataSource dataSource;
    if (dataSourceClass != null) {
      if (url != null) {
        throw new IllegalArgumentException(where + "give either operand " + JDBC_URL
            + " or operand " + DATA_SOURCE + ", not both");
      }
      dataSource = plugin(where, DATA_SOURCE, DataSource.class, dataSourceClass);
    } else {
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException(where + "operand " + JDBC_URL + " is required (the"
            + " database's JDBC URL, e.g. \"jdbc:h2:/var/lib/db/tpch\"), got "
            + (url == null ? "none" : "'" + url + "'"));
      }
      String driver = string(where, operand, JDBC_DRIVER);
      if (driver != null) {
        checkDriver(where, driver);
      }
      dataSource = JdbcSchema.dataSource(url, driver, user,
          string(where, operand, JDBC_PASSWORD));
    }
    String factoryClass = string(where, operand, SQL_DIALECT_FACTORY);
    SqlDialectFactory dialectFactory = factoryClass == null || factoryClass.isEmpty()
        ? SqlDialectFactoryImpl.INSTANCE
        : plugin(where, SQL_DIALECT_FACTORY, SqlDialectFactory.class, factoryClass);
    SqlDialect dialect = dialect(where, dialectFactory, dataSource, url, user);
    Expression expression = Schemas.subSchemaExpression(parentSchema, name, JdbcSchema.class);
    JdbcConvention convention = pushdown == Pushdown.SCAN
        ? new ScanOnlyJdbcConvention(dialect, expression, name)
        : JdbcConvention.of(dialect, expression, name);
    return new JdbcSchema(dataSource, dialect, convention, string(where, operand, JDBC_CATALOG),
        string(where, operand, JDBC_SCHEMA));
  }

  private static void checkKnown(String where, Map<String, Object> operand) {
    Set<String> allowed = new TreeSet<>(OPERANDS);
    for (ModelHandler.ExtraOperand extra : ModelHandler.ExtraOperand.values()) {
      allowed.add(extra.camelName); // added by Calcite's model handler, not by the user
    }
    for (String key : operand.keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(where + "unknown operand '" + key + "'; the operands"
            + " are " + String.join(", ", OPERANDS));
      }
    }
  }

  private static @Nullable String string(String where, Map<String, Object> operand, String key) {
    Object v = operand.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    String type = v.getClass().getSimpleName();
    // The password's value is never printed.
    String got = key.equals(JDBC_PASSWORD) ? "a value of type " + type : v + " (" + type + ")";
    throw new IllegalArgumentException(where + "operand " + key + " must be a string (in"
        + " quotes in the model file), got " + got);
  }

  private static Pushdown pushdown(String where, @Nullable String value) {
    if (value == null) {
      return Pushdown.SCAN;
    }
    for (Pushdown p : Pushdown.values()) {
      if (p.operandValue().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(where + "operand " + PUSHDOWN + " must be \"scan\" (the"
        + " database runs scans, filters and projections; Calcite plans the rest) or \"full\""
        + " (Calcite's JDBC adapter pushes what it can), got '" + value + "'");
  }

  private static void checkDriver(String where, String driver) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      Class.forName(driver, false,
          loader != null ? loader : LoraJdbcSchemaFactory.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(where + "operand " + JDBC_DRIVER + ": the class '"
          + driver + "' is not on the class path; add the driver's jar, or leave "
          + JDBC_DRIVER + " out to let DriverManager find the driver from the URL", e);
    }
  }

  private static <T> T plugin(String where, String key, Class<T> type, String className) {
    try {
      return AvaticaUtils.instantiatePlugin(type, className);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + "operand " + key + ": cannot create a "
          + type.getSimpleName() + " from '" + className + "' (a public class with a public"
          + " INSTANCE field or a public no-argument constructor): " + rootMessage(e), e);
    }
  }

  /**
   * Asks the database for its dialect: the first connection, so that a wrong URL, user or
   * password fails the schema here with a message, not the first query with a stack.
   */
  private static SqlDialect dialect(String where, SqlDialectFactory factory,
      DataSource dataSource, @Nullable String url, @Nullable String user) {
    try (Connection c = dataSource.getConnection()) {
      return factory.create(c.getMetaData());
    } catch (SQLException | RuntimeException e) {
      throw new IllegalStateException(where + "cannot connect to "
          + (url == null ? "the " + DATA_SOURCE : JDBC_URL + " '" + url + "'")
          + (user == null ? "" : " as " + JDBC_USER + " '" + user + "'") + ": "
          + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
