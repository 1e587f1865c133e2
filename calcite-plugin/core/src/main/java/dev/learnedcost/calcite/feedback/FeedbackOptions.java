package dev.learnedcost.calcite.feedback;

/**
 * Settings of a {@link FeedbackLoop}, validated at construction.
 *
 * @param queueCapacity executions waiting for the learner; when full, new feedback is dropped
 *     and counted, never blocking a query. At least 1
 * @param synchronous train on the executing thread instead of a learner thread (tests and
 *     single-threaded tools; adds the training time to each query)
 * @param stepsPerObservation passes over the replay memory after each execution, 0..64; 0
 *     observes only (statistics, trajectories, history and the guard, no training)
 * @param trajectoryCapacity trajectories held for inspection, at least 1
 * @param learnCost whether to train the cost readout from measured times (rows are always
 *     learned); off makes learning a deterministic function of the row counts
 * @param guard the regression guard's settings
 */
public record FeedbackOptions(
    int queueCapacity, boolean synchronous, int stepsPerObservation, int trajectoryCapacity,
    boolean learnCost, GuardOptions guard) {

  /**
   * The defaults: a 256-deep queue, a learner thread, three passes over the replay memory,
   * 10,000 trajectories, cost learning on, {@link GuardOptions#DEFAULTS}.
   */
  public static final FeedbackOptions DEFAULTS =
      new FeedbackOptions(256, false, 3, 10_000, true, GuardOptions.DEFAULTS);

  /** Validates. */
  public FeedbackOptions {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be >= 1, got " + queueCapacity);
    }
    if (stepsPerObservation < 0 || stepsPerObservation > 64) {
      throw new IllegalArgumentException(
          "stepsPerObservation must be in 0..64, got " + stepsPerObservation);
    }
    if (trajectoryCapacity < 1) {
      throw new IllegalArgumentException(
          "trajectoryCapacity must be >= 1, got " + trajectoryCapacity);
    }
    java.util.Objects.requireNonNull(guard, "guard");
  }

  /** Returns these options with training on the executing thread. */
  public FeedbackOptions withSynchronous(boolean value) {
    return new FeedbackOptions(queueCapacity, value, stepsPerObservation, trajectoryCapacity,
        learnCost, guard);
  }

  /** Returns these options with another number of steps per observation (0: observe only). */
  public FeedbackOptions withStepsPerObservation(int value) {
    return new FeedbackOptions(queueCapacity, synchronous, value, trajectoryCapacity,
        learnCost, guard);
  }

  /** Returns these options with another queue capacity. */
  public FeedbackOptions withQueueCapacity(int value) {
    return new FeedbackOptions(value, synchronous, stepsPerObservation, trajectoryCapacity,
        learnCost, guard);
  }

  /** Returns these options with cost learning on or off. */
  public FeedbackOptions withLearnCost(boolean value) {
    return new FeedbackOptions(queueCapacity, synchronous, stepsPerObservation, trajectoryCapacity,
        value, guard);
  }

  /** Returns these options with other guard settings. */
  public FeedbackOptions withGuard(GuardOptions value) {
    return new FeedbackOptions(queueCapacity, synchronous, stepsPerObservation, trajectoryCapacity,
        learnCost, value);
  }
}
