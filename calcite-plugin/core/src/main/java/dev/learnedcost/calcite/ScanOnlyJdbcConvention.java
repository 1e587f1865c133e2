package dev.learnedcost.calcite;

import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverterRule;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlDialectFactoryImpl;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A JDBC convention that lets the remote database run scans, filters and projections only, so
 * that Calcite runs the joins, aggregates and sorts itself and its plan choices (the ones the
 * learned model corrects) matter.
 *
 * <p>By default a {@link JdbcSchema} pushes the whole query to the database. Removing rules in
 * {@code Hook.PLANNER} does not work (JDBC rules are registered later, with the first
 * {@code JdbcTableScan}); overriding {@link #register(RelOptPlanner)} does.
 */
public final class ScanOnlyJdbcConvention extends JdbcConvention {
  /** Creates the convention (as {@link JdbcConvention#of}). */
  public ScanOnlyJdbcConvention(SqlDialect dialect, Expression expression, String name) {
    super(dialect, expression, name);
  }

  /** Registers only the converter to Enumerable and the JDBC filter and project rules. */
  @Override
  public void register(RelOptPlanner planner) {
    for (RelOptRule rule : JdbcRules.rules(this)) {
      if (rule instanceof JdbcToEnumerableConverterRule
          || rule instanceof JdbcRules.JdbcFilterRule
          || rule instanceof JdbcRules.JdbcProjectRule) {
        planner.addRule(rule);
      }
    }
  }

  /**
   * Creates a JDBC schema over {@code dataSource} whose queries leave joins and aggregates to
   * Calcite; add it with {@code parent.add(name, schema)}.
   *
   * @param parent the schema it will be added to
   * @param name its name under {@code parent}
   * @param dataSource the database
   * @param catalog the database catalog, or null for any
   * @param schema the database schema, or null for any
   */
  public static JdbcSchema schema(
      SchemaPlus parent, String name, DataSource dataSource, @Nullable String catalog,
      @Nullable String schema) {
    SqlDialect dialect = JdbcSchema.createDialect(SqlDialectFactoryImpl.INSTANCE, dataSource);
    Expression expression = Schemas.subSchemaExpression(parent, name, JdbcSchema.class);
    return new JdbcSchema(dataSource, dialect,
        new ScanOnlyJdbcConvention(dialect, expression, name), catalog, schema);
  }
}
