package dev.learnedcost.calcite.flink;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/**
 * Keeps every operator's {@code numRecordsOut} and {@code numRecordsIn} counters and every
 * task's {@code accumulateBusyTimeMs}, per job and subtask, for {@link FlinkInstallation#run}.
 * Registered in a cluster's configuration by {@link LoraFlink#addMetricsReporter}; created by
 * {@link OperatorMetricsReporterFactory}.
 */
public final class OperatorMetricsReporter implements MetricReporter {
  static final String RECORDS_OUT = "numRecordsOut";
  static final String RECORDS_IN = "numRecordsIn";
  static final String BUSY_MILLIS = "accumulateBusyTimeMs";

  private final OperatorMetricsStore store;

  OperatorMetricsReporter(OperatorMetricsStore store) {
    this.store = store;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    keep(metric, name, group, false);
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    keep(metric, name, group, true);
  }

  /** Keeps a live metric, or (when it is removed) its final value. */
  private void keep(Metric metric, String name, MetricGroup group, boolean removed) {
    boolean records = name.equals(RECORDS_OUT) || name.equals(RECORDS_IN);
    if (!records && !name.equals(BUSY_MILLIS)) {
      return;
    }
    Map<String, String> v = group.getAllVariables();
    String job = v.get("<job_id>");
    String task = v.get("<task_id>");
    String subtask = v.get("<subtask_index>");
    if (job == null || task == null || subtask == null) {
      return;
    }
    int index = Integer.parseInt(subtask);
    String attemptText = v.get("<task_attempt_num>");
    int attempt = attemptText == null ? 0 : Integer.parseInt(attemptText);
    String operator = v.get("<operator_id>");
    if (records && operator != null && metric instanceof Counter counter) {
      long finalCount = counter.getCount();
      store.operatorCounter(job, operator, v.getOrDefault("<operator_name>", operator), task,
          index, attempt, name.equals(RECORDS_OUT),
          removed ? () -> finalCount : counter::getCount);
    } else if (!records && operator == null && metric instanceof Gauge<?> gauge) {
      long finalMillis = millis(gauge);
      store.taskBusyMillis(job, task, v.getOrDefault("<task_name>", task), index, attempt,
          removed ? () -> finalMillis : () -> millis(gauge));
    }
  }

  private static long millis(Gauge<?> gauge) {
    Object value = gauge.getValue();
    return value instanceof Number n ? Math.round(n.doubleValue()) : 0L;
  }
}
