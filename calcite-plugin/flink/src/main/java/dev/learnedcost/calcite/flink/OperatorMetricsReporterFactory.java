package dev.learnedcost.calcite.flink;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Creates the {@link OperatorMetricsReporter}; named in a cluster's configuration as
 * {@code metrics.reporter.lora.factory.class} (see {@link LoraFlink#addMetricsReporter}).
 */
public final class OperatorMetricsReporterFactory implements MetricReporterFactory {
  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new OperatorMetricsReporter(OperatorMetricsStore.INSTANCE);
  }
}
