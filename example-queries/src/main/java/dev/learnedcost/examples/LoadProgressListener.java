package dev.learnedcost.examples;

/**
 * Receives progress while {@link DemoDatabase} generates and loads a data set, e.g. to drive a
 * progress bar. Called on the loading thread; an implementation should return quickly and must
 * not throw.
 */
@FunctionalInterface
public interface LoadProgressListener {

  /** A listener that ignores every event. */
  LoadProgressListener NONE = (table, rowsDone, rowsTotal) -> { };

  /**
   * Reports rows inserted into one table so far: once with {@code rowsDone == 0} before the
   * first row, after every committed batch of 10,000 rows that more rows follow, and once when
   * the table is complete; {@code rowsDone == rowsTotal} in that final call only.
   *
   * @param table upper-case table name
   * @param rowsDone rows inserted so far, >= 0
   * @param rowsTotal rows the table will hold; exact for every table except TPC-H
   *     {@code LINEITEM}, whose size is known only after generation (its total is then an
   *     estimate of 4 lines per order, raised if exceeded, and exact in the final call)
   */
  void rowsLoaded(String table, long rowsDone, long rowsTotal);

  /**
   * Reports the start of a phase that is not row-by-row: {@code "create indexes"},
   * {@code "analyze"}, {@code "verify"}. The default does nothing.
   *
   * @param phase a short lower-case description
   */
  default void phaseStarted(String phase) {
  }
}
