package dev.learnedcost.examples.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks for the identifiers that generated DDL interpolates. */
final class SqlNames {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private SqlNames() {}

  /**
   * Returns {@code value} upper-cased after checking it is a plain SQL identifier, so it can be
   * written into DDL unquoted and means the same in H2 and in Calcite's default lexical policy.
   */
  static String checkIdentifier(String what, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what + " must be a plain identifier (letter, then letters, digits or '_'), got "
              + (value == null ? "null" : "'" + value + "'"));
    }
    return value.toUpperCase(Locale.ROOT);
  }
}
