package dev.learnedcost.examples.internal;

import java.util.Locale;

/**
 * Lexical facts about one SQL statement, found by a scanner that skips comments ({@code --} and
 * {@code /* *}{@code /}), string literals ({@code '...'} with {@code ''} escapes) and quoted
 * identifiers ({@code "..."}) and tracks parenthesis depth. It does not parse SQL; it answers
 * only what it can answer exactly at the lexical level.
 */
public final class SqlText {

  private final String sql;
  private final boolean blank;
  private final boolean topLevelOrderBy;
  /** Offset of the first top-level ';', or -1. */
  private final int firstSemicolon;
  /** Whether anything significant follows the first top-level ';'. */
  private final boolean textAfterSemicolon;

  private SqlText(String sql) {
    this.sql = sql;
    boolean sawSignificant = false;
    boolean orderBy = false;
    int semicolon = -1;
    boolean afterSemicolon = false;
    int depth = 0;
    String previousWord = null;
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
          i++;
        }
        continue;
      }
      if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (semicolon >= 0) {
        afterSemicolon = true;
      }
      sawSignificant = true;
      if (c == '\'' || c == '"') {
        i = skipQuoted(sql, i, c);
        previousWord = null;
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
            || sql.charAt(i) == '$')) {
          i++;
        }
        String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (depth == 0 && word.equals("BY") && "ORDER".equals(previousWord)) {
          orderBy = true;
        }
        previousWord = word;
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      } else if (c == ';' && depth == 0 && semicolon < 0) {
        semicolon = i;
        // The ';' itself is not text after the semicolon.
        i++;
        previousWord = null;
        continue;
      }
      previousWord = null;
      i++;
    }
    this.blank = !sawSignificant;
    this.topLevelOrderBy = orderBy;
    this.firstSemicolon = semicolon;
    this.textAfterSemicolon = afterSemicolon;
  }

  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    int n = sql.length();
    while (i < n) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return n;
  }

  /** Scans {@code sql}. */
  public static SqlText of(String sql) {
    if (sql == null) {
      throw new IllegalArgumentException("sql must not be null");
    }
    return new SqlText(sql);
  }

  /** Returns whether the text holds nothing but whitespace and comments. */
  public boolean isBlank() {
    return blank;
  }

  /**
   * Returns whether the statement has an {@code ORDER BY} outside every parenthesis, i.e. one
   * that orders the result rather than a subquery, a window or a {@code WITH} element.
   */
  public boolean hasTopLevelOrderBy() {
    return topLevelOrderBy;
  }

  /** Returns whether the text holds more than one statement (text after a top-level ';'). */
  public boolean hasSeveralStatements() {
    return textAfterSemicolon;
  }

  /** Returns the 1-based line of the first top-level ';', or -1 if there is none. */
  public int firstSemicolonLine() {
    if (firstSemicolon < 0) {
      return -1;
    }
    int line = 1;
    for (int i = 0; i < firstSemicolon; i++) {
      if (sql.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * Returns the statement without a terminating top-level ';' (and whatever whitespace or
   * comments follow it) and without surrounding whitespace, ready for JDBC, which rejects a
   * trailing ';' in some drivers (Calcite's among them).
   */
  public String withoutTerminator() {
    String text = firstSemicolon >= 0 ? sql.substring(0, firstSemicolon) : sql;
    return text.strip();
  }
}
