package dev.learnedcost.examples;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a demo database holds, as recorded in the database itself after its load completed.
 * {@link DemoDatabase} reuses a database only if its manifest matches the requested data set
 * and every table still holds the recorded number of rows.
 *
 * @param formatVersion version of the table layout and manifest format
 * @param dataset data set name, e.g. {@code tpch}
 * @param parameters canonical parameter string, e.g. {@code scale=0.01}
 * @param generator generator identity and version, e.g. {@code io.trino.tpch:tpch:1.2}
 * @param createdAt when the load completed
 * @param rowCounts rows per upper-case table name, in creation order; unmodifiable
 */
public record DatasetManifest(
    int formatVersion,
    String dataset,
    String parameters,
    String generator,
    Instant createdAt,
    Map<String, Long> rowCounts) {

  /** Copies the row counts, keeping their order. */
  public DatasetManifest {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(createdAt, "createdAt");
    rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(rowCounts));
  }

  /** Returns the total number of rows over all tables. */
  public long totalRows() {
    return rowCounts.values().stream().mapToLong(Long::longValue).sum();
  }
}
