package dev.learnedcost.examples.internal;

import java.util.List;

/**
 * A secondary (non-unique) index.
 *
 * @param name upper-case index name, unique in the database
 * @param columns indexed columns in order, at least one
 */
public record IndexDefinition(String name, List<String> columns) {

  /** Validates and upper-cases the names. */
  public IndexDefinition {
    name = SqlNames.checkIdentifier("index name", name);
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("index " + name + " needs at least one column");
    }
    columns = columns.stream().map(c -> SqlNames.checkIdentifier("index column", c)).toList();
  }

  /** An index over {@code columns}. */
  public static IndexDefinition of(String name, String... columns) {
    return new IndexDefinition(name, List.of(columns));
  }
}
