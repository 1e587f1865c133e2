package dev.learnedcost.examples.run;

import dev.learnedcost.examples.ResultTable;
import java.util.Objects;

/**
 * One execution of one query by one engine in one round.
 *
 * @param round 1-based round
 * @param dataset the data set's name
 * @param query the query's name
 * @param engine who executed it
 * @param status how it ended
 * @param ms wall time of execute and read-all in milliseconds (planning included for Calcite);
 *     for a timeout the time until it was given up; NaN if it never started
 * @param result the result, {@code null} unless {@code status} is OK
 * @param resultHash {@link dev.learnedcost.examples.ResultComparator#hash}, or {@code null}
 * @param error what went wrong, {@code null} if OK
 */
public record QueryRun(int round, String dataset, String query, Engine engine, Status status,
    double ms, ResultTable result, String resultHash, String error) {

  /** How an execution ended. */
  public enum Status {
    /** It returned a result. */
    OK,
    /** It ran longer than the timeout and was cancelled. */
    TIMEOUT,
    /** It threw, or the query file could not be read. */
    FAILED
  }

  /** Validates the components. */
  public QueryRun {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(status, "status");
    if ((status == Status.OK) != (result != null)) {
      throw new IllegalArgumentException("a result must be present exactly when the status is OK,"
          + " got status " + status);
    }
  }

  /** Returns whether it returned a result. */
  public boolean ok() {
    return status == Status.OK;
  }

  /** Returns the row count, or -1 without a result. */
  public int rows() {
    return result == null ? -1 : result.rowCount();
  }
}
