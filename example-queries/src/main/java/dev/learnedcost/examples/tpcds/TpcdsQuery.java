package dev.learnedcost.examples.tpcds;

import java.util.List;
import java.util.Map;

/**
 * One instance of a TPC-DS template: its parameter values and its SQL, dialect-neutral (see
 * {@link TpcdsInstantiator}; {@link TpcdsDialect} rewrites it for an engine).
 *
 * @param template the template number, 1..99
 * @param seed the seed the parameters were drawn with
 * @param parameters the values of the parameters the SQL uses, by name, in order of first use
 *     (a list parameter shows as {@code [a, b, c]})
 * @param statements the statements; two for templates 14, 23, 24 and 39, else one
 */
public record TpcdsQuery(int template, long seed, Map<String, String> parameters,
    List<String> statements) {

  /** Copies the collections. */
  public TpcdsQuery {
    parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    statements = List.copyOf(statements);
  }

  /**
   * Returns the name of statement {@code part} (0-based): {@code q07} for a one-statement
   * template, {@code q14a} and {@code q14b} for the parts of a two-statement one.
   */
  public String name(int part) {
    String base = String.format("q%02d", template);
    return statements.size() == 1 ? base : base + (char) ('a' + part);
  }
}
