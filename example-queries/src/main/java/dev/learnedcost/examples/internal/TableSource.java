package dev.learnedcost.examples.internal;

import java.sql.SQLException;

/**
 * A table to create and the generator of its rows. Generation is deterministic: two calls of
 * {@link #generate} produce the same rows in the same order.
 */
public interface TableSource {

  /** Receives generated rows; the array may be reused by the caller after the call returns. */
  @FunctionalInterface
  interface RowSink {
    /**
     * Accepts one row, values in column order, typed as {@link ColumnKind} prescribes.
     *
     * @throws SQLException if the row cannot be written
     */
    void accept(Object[] row) throws SQLException;
  }

  /** Produces a table's rows (the body of {@link #generate}). */
  @FunctionalInterface
  interface Generator {
    /**
     * Generates every row into {@code sink}.
     *
     * @throws SQLException if the sink throws
     */
    void generate(RowSink sink) throws SQLException;
  }

  /** Returns a source of a table whose row count is known before generating. */
  static TableSource of(TableDefinition definition, long rows, Generator generator) {
    return new TableSource() {
      @Override
      public TableDefinition definition() {
        return definition;
      }

      @Override
      public long estimatedRows() {
        return rows;
      }

      @Override
      public void generate(RowSink sink) throws SQLException {
        generator.generate(sink);
      }
    };
  }

  /** Returns the table's definition. */
  TableDefinition definition();

  /**
   * Returns the number of rows {@link #generate} will produce, or an estimate when it is not
   * known before generating (TPC-H {@code LINEITEM}); used only for progress reporting.
   */
  long estimatedRows();

  /**
   * Generates every row, in a deterministic order, into {@code sink}.
   *
   * @throws SQLException if the sink throws
   */
  void generate(RowSink sink) throws SQLException;
}
