package dev.learnedcost.calcite;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;

/**
 * A schema of plain Calcite tables without statistics (each estimated at 100 rows, as JDBC
 * tables are), for tests of logical nodes outside any foreign convention.
 */
public final class MemorySchema {
  private MemorySchema() {}

  private static AbstractTable table(String... columns) {
    return new AbstractTable() {
      @Override
      public RelDataType getRowType(RelDataTypeFactory f) {
        RelDataTypeFactory.Builder b = f.builder();
        for (String c : columns) {
          b.add(c, c.endsWith("NAME") ? f.createSqlType(SqlTypeName.VARCHAR, 25)
              : f.createSqlType(SqlTypeName.BIGINT));
        }
        return b.build();
      }
    };
  }

  /** Returns a RelBuilder over CUSTOMER, ORDERS, NATION and REGION (stock metadata). */
  public static RelBuilder relBuilder() {
    SchemaPlus root = Frameworks.createRootSchema(true);
    SchemaPlus s = root.add("MEM", new org.apache.calcite.schema.impl.AbstractSchema());
    s.add("CUSTOMER", table("C_CUSTKEY", "C_NAME", "C_NATIONKEY", "C_ACCTBAL"));
    s.add("ORDERS", table("O_ORDERKEY", "O_CUSTKEY", "O_TOTALPRICE", "O_ORDERDATE"));
    s.add("NATION", table("N_NATIONKEY", "N_NAME", "N_REGIONKEY"));
    s.add("REGION", table("R_REGIONKEY", "R_NAME"));
    return RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(s).build());
  }
}
