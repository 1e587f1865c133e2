package dev.learnedcost.calcite.internal.guard;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape of a SQL query, so that executions of the same query with different constants share
 * a history: {@link #normalize} replaces literals by {@code ?}, drops comments, folds case outside
 * quoted identifiers and collapses white space; {@link #of} is the first 16 hex digits of the
 * SHA-256 of that shape.
 *
 * <p>Worked example: {@code select * from T where a = 5 and b = 'x' -- hi} and
 * {@code SELECT *  FROM t WHERE a=7 AND b='y'} both normalize to
 * {@code SELECT * FROM T WHERE A = ? AND B = ?} (operators are separated by single spaces), so
 * they have the same fingerprint. {@code IN (1, 2, 3)} and {@code IN (4)} do not: a different
 * number of values can make a different plan.
 *
 * <p>Why the SQL and not the plan: the regression guard must decide how to plan a query before
 * planning it.
 */
public final class QueryFingerprint {
  private QueryFingerprint() {}

  /** Returns the fingerprint of {@code sql}: 16 lower-case hex digits. */
  public static String of(String sql) {
    return ofShape(normalize(sql));
  }

  /** Returns the fingerprint of a shape already {@link #normalize normalized}. */
  public static String ofShape(String shape) {
    Objects.requireNonNull(shape, "shape");
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256")
          .digest(shape.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
    StringBuilder hex = new StringBuilder(16);
    for (int i = 0; i < 8; i++) {
      hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(digest[i] & 0xF, 16));
    }
    return hex.toString();
  }

  /**
   * Returns the shape of {@code sql}: string, numeric and typed literals ({@code DATE '...'} keeps
   * its keyword) replaced by {@code ?}, comments removed, text outside double-quoted identifiers in
   * upper case, one space between tokens.
   *
   * @throws NullPointerException if {@code sql} is null
   */
  public static String normalize(String sql) {
    Objects.requireNonNull(sql, "sql");
    StringBuilder out = new StringBuilder(sql.length());
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'') {
        i = skipQuoted(sql, i, '\'');
        token(out, "?");
      } else if (c == '"') {
        int end = skipQuoted(sql, i, '"');
        token(out, sql.substring(i, end));
        i = end;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
        i++;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
            || ((sql.charAt(i) == '+' || sql.charAt(i) == '-')
                && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')))) {
          i++;
        }
        token(out, "?");
      } else if (Character.isJavaIdentifierStart(c)) {
        int start = i;
        while (i < n && (Character.isJavaIdentifierPart(sql.charAt(i)))) {
          i++;
        }
        token(out, sql.substring(start, i).toUpperCase(Locale.ROOT));
      } else {
        int start = i;
        i++;
        // Multi-character operators stay one token: <=, >=, <>, !=, ||.
        if (i < n && "<>=!|".indexOf(c) >= 0 && "<>=|".indexOf(sql.charAt(i)) >= 0) {
          i++;
        }
        token(out, sql.substring(start, i));
      }
    }
    return out.toString();
  }

  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static void token(StringBuilder out, String token) {
    if (out.length() > 0) {
      out.append(' ');
    }
    out.append(token);
  }
}
