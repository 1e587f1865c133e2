package dev.learnedcost.calcite.feedback;

/**
 * Counters of a {@link FeedbackLoop}, as an immutable snapshot.
 *
 * @param received executions reported by profiled plans
 * @param processed executions the learner has finished with
 * @param dropped executions dropped because the queue was full or the loop closed
 * @param incomplete executions not learned from because they were closed before their end
 * @param failed executions whose processing threw (logged once)
 * @param trajectories operators recorded as trajectories
 * @param meanImprovement the trajectories' mean improvement (stock-predicted ms / actual - 1)
 * @param successRate the trajectories' fraction with a positive improvement
 * @param calibrationObservations observations behind the cost calibration
 * @param msPerCostUnit the calibration's milliseconds per cost unit
 * @param fingerprints queries in the history
 * @param guarded queries the regression guard now plans with stock costs
 * @param fallbacks times the guard fell back to a stock plan
 * @param saves times the learned state was saved
 * @param saveFailures saves that failed (logged; the previous file stayed intact)
 */
public record FeedbackStats(
    long received, long processed, long dropped, long incomplete, long failed,
    long trajectories, float meanImprovement, float successRate, long calibrationObservations,
    double msPerCostUnit, int fingerprints, int guarded, long fallbacks, long saves,
    long saveFailures) {}
