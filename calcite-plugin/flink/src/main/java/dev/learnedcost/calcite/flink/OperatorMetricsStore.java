package dev.learnedcost.calcite.flink;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The operator row counters and task busy-time gauges that {@link OperatorMetricsReporter} saw,
 * per job, until {@link FlinkInstallation#run} takes them.
 *
 * <p>A value is read live while its task runs and frozen when Flink removes the metric. Flink
 * unregisters a task's metrics only after reporting the task finished, so a job can be finished
 * while some metrics are still registered: their live counters are final then, and are read
 * as they are. Jobs nobody takes (jobs not started through {@code run}) are dropped oldest first
 * beyond {@value #MAX_JOBS}, so the store never grows without bound.
 *
 * <p>One per JVM: Flink instantiates reporters by class name from the configuration, so there
 * is no other way to hand them an object.
 */
final class OperatorMetricsStore {
  static final OperatorMetricsStore INSTANCE = new OperatorMetricsStore();
  static final int MAX_JOBS = 64;

  /** One value per subtask, from the newest attempt of the subtask. */
  static final class PerSubtask {
    private final Map<Integer, Integer> attempts = new HashMap<>();
    private final Map<Integer, LongSupplier> values = new HashMap<>();

    void put(int subtask, int attempt, LongSupplier value) {
      Integer seen = attempts.get(subtask);
      if (seen == null || attempt >= seen) {
        attempts.put(subtask, attempt);
        values.put(subtask, value);
      }
    }

    long sum() {
      long s = 0;
      for (LongSupplier v : values.values()) {
        s += v.getAsLong();
      }
      return s;
    }

    int subtasks() {
      return values.size();
    }
  }

  /** One operator of a job: its name, its task and its counters. */
  static final class Operator {
    final String name;
    final String taskId;
    final PerSubtask recordsOut = new PerSubtask();
    final PerSubtask recordsIn = new PerSubtask();

    Operator(String name, String taskId) {
      this.name = name;
      this.taskId = taskId;
    }
  }

  /** One task (a chain of operators) of a job: its name and its busy time. */
  static final class Task {
    final String name;
    final PerSubtask busyMillis = new PerSubtask();

    Task(String name) {
      this.name = name;
    }
  }

  /** The metrics of one job, by operator id and by task id. */
  static final class JobMetrics {
    final Map<String, Operator> operators = new HashMap<>();
    final Map<String, Task> tasks = new HashMap<>();
  }

  private final LinkedHashMap<String, JobMetrics> jobs = new LinkedHashMap<>();
  /** Jobs already taken: metrics removed after {@link #take} are dropped, not kept again. */
  private final LinkedHashSet<String> taken = new LinkedHashSet<>();

  private JobMetrics job(String jobId) {
    if (taken.contains(jobId)) {
      return null;
    }
    JobMetrics m = jobs.get(jobId);
    if (m == null) {
      m = new JobMetrics();
      jobs.put(jobId, m);
      while (jobs.size() > MAX_JOBS) {
        jobs.remove(jobs.keySet().iterator().next());
      }
    }
    return m;
  }

  synchronized void operatorCounter(String jobId, String operatorId, String operatorName,
      String taskId, int subtask, int attempt, boolean out, LongSupplier value) {
    JobMetrics job = job(jobId);
    if (job == null) {
      return;
    }
    Operator op = job.operators.computeIfAbsent(operatorId,
        id -> new Operator(operatorName, taskId));
    (out ? op.recordsOut : op.recordsIn).put(subtask, attempt, value);
  }

  synchronized void taskBusyMillis(String jobId, String taskId, String taskName, int subtask,
      int attempt, LongSupplier value) {
    JobMetrics job = job(jobId);
    if (job == null) {
      return;
    }
    job.tasks.computeIfAbsent(taskId, id -> new Task(taskName))
        .busyMillis.put(subtask, attempt, value);
  }

  /** Removes and returns the metrics of a job, or null if none arrived. */
  synchronized JobMetrics take(String jobId) {
    taken.add(jobId);
    while (taken.size() > MAX_JOBS) {
      taken.remove(taken.iterator().next());
    }
    return jobs.remove(jobId);
  }

}
