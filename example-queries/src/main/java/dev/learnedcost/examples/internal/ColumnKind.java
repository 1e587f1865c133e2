package dev.learnedcost.examples.internal;

/**
 * How a generated value is bound to an insert statement. Each kind maps to one Java value type
 * that generators must produce (or {@code null}).
 */
public enum ColumnKind {
  /** {@code BIGINT}; value {@link Long}. */
  BIGINT,
  /** {@code INTEGER}; value {@link Integer}. */
  INTEGER,
  /** {@code DECIMAL(p, s)}; value {@link java.math.BigDecimal}. */
  DECIMAL,
  /** {@code DATE}; value {@link java.time.LocalDate}. */
  DATE,
  /** {@code VARCHAR(n)}; value {@link String}. */
  VARCHAR,
  /** {@code REAL ARRAY[d]}, an embedding; value {@code float[]}. */
  VECTOR
}
