package dev.learnedcost.calcite;

import java.util.Map;

/**
 * An immutable snapshot of a {@link LoraRuntime}'s counters: its planner corrections, its
 * learner, its regression guard and its saves. Counts are totals since the runtime opened.
 *
 * @param rowCountCalls calls of the learned row-count handler that could correct (modes SHADOW
 *     and ON)
 * @param costCalls calls of the learned cost handler
 * @param forwards forward passes of the adapters (plannings and traces)
 * @param rowCorrections row corrections handed to a planner (mode ON)
 * @param costCorrections cost corrections handed to a planner (mode ON)
 * @param shadowCorrections corrections computed but not applied (mode SHADOW)
 * @param trainSteps supervised training steps
 * @param fallbacks exceptions inside the learned handlers that fell back to the stock answer
 * @param fallbacksByKind the same, by exception class name (unmodifiable)
 * @param received executions handed to the learner
 * @param processed executions the learner has finished with
 * @param dropped executions dropped because the learner's queue was full or the runtime closed
 * @param incomplete executions not learned from because they were closed before their end
 * @param failed executions whose learning threw (the first is logged)
 * @param trajectories operators recorded as trajectories
 * @param meanImprovement the trajectories' mean improvement (stock-predicted ms / actual - 1)
 * @param successRate the trajectories' fraction with a positive improvement
 * @param calibrationObservations observations behind the cost calibration
 * @param msPerCostUnit the calibration's milliseconds per cost unit
 * @param queries queries (fingerprints) in the guard's history
 * @param guardedQueries queries the guard now plans with stock costs
 * @param guardFallbacks times the guard fell back to a stock plan
 * @param guardRetries times a guarded query tried its learned plan again
 * @param saves times the learned state was saved
 * @param saveFailures saves that failed (the previous file stayed intact)
 */
public record LoraStats(
    long rowCountCalls,
    long costCalls,
    long forwards,
    long rowCorrections,
    long costCorrections,
    long shadowCorrections,
    long trainSteps,
    long fallbacks,
    Map<String, Long> fallbacksByKind,
    long received,
    long processed,
    long dropped,
    long incomplete,
    long failed,
    long trajectories,
    double meanImprovement,
    double successRate,
    long calibrationObservations,
    double msPerCostUnit,
    int queries,
    int guardedQueries,
    long guardFallbacks,
    long guardRetries,
    long saves,
    long saveFailures) {

  /** Copies the map. */
  public LoraStats {
    fallbacksByKind = Map.copyOf(fallbacksByKind);
  }

  /** Returns handler calls of both kinds. */
  public long handlerCalls() {
    return rowCountCalls + costCalls;
  }
}
