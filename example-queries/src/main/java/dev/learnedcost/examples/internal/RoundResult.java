package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one round: one row per query.
 *
 * @param round 1-based
 * @param rows in execution order
 */
public record RoundResult(int round, List<Row> rows) {

  /** Copies the rows. */
  public RoundResult {
    rows = List.copyOf(rows);
  }

  /**
   * One query in one round.
   *
   * @param dataset the data set's name
   * @param query the query's name
   * @param runs one run per engine, in {@link Engine} order
   * @param planChanged whether the learned plan's EXPLAIN text differs from the stock plan's;
   *     {@code null} when the learned engine did not run or a plan could not be obtained
   * @param plans the plans when {@code planChanged}, else {@code null}
   * @param mismatches results that differ from the reference engine's
   * @param problems EXPLAIN failures and other non-result problems, one line each
   */
  public record Row(String dataset, String query, Map<Engine, QueryRun> runs,
      Boolean planChanged, PlanDiff plans, List<CrossEngineCheck.Mismatch> mismatches,
      List<String> problems) {

    /** Copies the collections. */
    public Row {
      runs = Map.copyOf(runs);
      mismatches = List.copyOf(mismatches);
      problems = List.copyOf(problems);
    }

    /** Returns the run of {@code engine}, or null if it did not run. */
    public QueryRun run(Engine engine) {
      return runs.get(engine);
    }
  }

  /**
   * Stock and learned plans of a query whose plan changed.
   *
   * @param stockPlan Calcite's EXPLAIN text of the stock plan
   * @param learnedPlan Calcite's EXPLAIN text of the learned plan
   * @param stockCorrections {@link dev.learnedcost.calcite.LoraExplain} printout of the stock plan
   * @param learnedCorrections the same for the learned plan
   */
  public record PlanDiff(String stockPlan, String learnedPlan, String stockCorrections,
      String learnedCorrections) {}
}
