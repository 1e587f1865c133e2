package dev.learnedcost.examples.internal;

import java.util.ArrayList;
import java.util.List;
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
  /** Offset just after the top-level {@code ORDER BY}, or -1. */
  private final int orderByEnd;
  /** Offset just after a {@code LIMIT} or {@code FETCH} outside every parenthesis, or -1. */
  private final int limitEnd;
  /** Offset of the first top-level ';', or -1. */
  private final int firstSemicolon;
  /** Whether anything significant follows the first top-level ';'. */
  private final boolean textAfterSemicolon;

  private SqlText(String sql) {
    this.sql = sql;
    boolean sawSignificant = false;
    boolean orderBy = false;
    int afterOrderBy = -1;
    int afterLimit = -1;
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
      int afterComment = commentEnd(sql, i);
      if (afterComment > i) {
        i = afterComment;
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
        i = wordEnd(sql, i);
        String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (depth == 0 && semicolon < 0) {
          if (word.equals("BY") && "ORDER".equals(previousWord)) {
            orderBy = true;
            afterOrderBy = i;
          } else if (word.equals("LIMIT") || word.equals("FETCH")) {
            afterLimit = i;
          }
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
    this.orderByEnd = afterOrderBy;
    this.limitEnd = afterLimit;
    this.firstSemicolon = semicolon;
    this.textAfterSemicolon = afterSemicolon;
  }

  /**
   * Returns the offset just after the comment ({@code --} to the end of the line, or
   * {@code /* *}{@code /}) starting at {@code i}, or {@code i} when none starts there.
   */
  private static int commentEnd(String sql, int i) {
    int n = sql.length();
    if (i + 1 >= n) {
      return i;
    }
    if (sql.charAt(i) == '-' && sql.charAt(i + 1) == '-') {
      int end = i;
      while (end < n && sql.charAt(end) != '\n' && sql.charAt(end) != '\r') {
        end++;
      }
      return end;
    }
    if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
      int end = sql.indexOf("*/", i + 2);
      return end < 0 ? n : end + 2;
    }
    return i;
  }

  /** Returns the offset just after the word (letters, digits, {@code _}, {@code $}) at start. */
  private static int wordEnd(String sql, int start) {
    int i = start;
    while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i))
        || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
      i++;
    }
    return i;
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

  /**
   * Returns the row count a {@code LIMIT n} or {@code FETCH FIRST|NEXT [n] ROW|ROWS ONLY}
   * outside every parenthesis cuts the result to ({@code FETCH FIRST ROW ONLY}: 1), or -1 when
   * there is none or its count is not a literal number.
   */
  public long topLevelLimit() {
    if (limitEnd < 0) {
      return -1;
    }
    int i = limitEnd;
    boolean fetch = sql.regionMatches(true, limitEnd - 5, "FETCH", 0, 5);
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int afterComment = commentEnd(sql, i);
      if (afterComment > i) {
        i = afterComment;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
          i++;
        }
        return i - start <= 18 ? Long.parseLong(sql.substring(start, i)) : -1;
      } else if (fetch && Character.isLetter(c)) {
        int start = i;
        i = wordEnd(sql, i);
        String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (word.equals("ROW") || word.equals("ROWS")) {
          return 1;
        }
        if (!word.equals("FIRST") && !word.equals("NEXT")) {
          return -1;
        }
      } else {
        return -1;
      }
    }
    return -1;
  }

  /**
   * Returns the items of the top-level {@code ORDER BY}, each without its direction and null
   * ordering ({@code ASC}, {@code DESC}, {@code NULLS FIRST}, {@code NULLS LAST}) and with
   * comments removed and blanks collapsed: for {@code ORDER BY s.a DESC, 2, sum(x) NULLS LAST
   * LIMIT 100}, {@code ["s.a", "2", "sum(x)"]}. Empty when there is no top-level {@code ORDER BY}.
   * The list ends at a top-level {@code LIMIT}, {@code OFFSET}, {@code FETCH} or {@code ;}.
   */
  public List<String> orderByItems() {
    List<String> items = new ArrayList<>();
    if (orderByEnd < 0) {
      return items;
    }
    StringBuilder item = new StringBuilder();
    int depth = 0;
    int n = sql.length();
    int i = orderByEnd;
    while (i < n) {
      char c = sql.charAt(i);
      int afterComment = commentEnd(sql, i);
      if (afterComment > i) {
        i = afterComment;
        item.append(' ');
        continue;
      }
      if (c == '\'' || c == '"') {
        int end = skipQuoted(sql, i, c);
        item.append(sql, i, end);
        i = end;
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int start = i;
        i = wordEnd(sql, i);
        String word = sql.substring(start, i);
        String upper = word.toUpperCase(Locale.ROOT);
        if (depth == 0 && (upper.equals("LIMIT") || upper.equals("OFFSET")
            || upper.equals("FETCH"))) {
          break;
        }
        item.append(word);
        continue;
      }
      if (depth == 0 && (c == ',' || c == ';')) {
        addItem(items, item);
        item.setLength(0);
        if (c == ';') {
          return items;
        }
        i++;
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      }
      item.append(Character.isWhitespace(c) ? ' ' : c);
      i++;
    }
    addItem(items, item);
    return items;
  }

  private static void addItem(List<String> items, CharSequence raw) {
    String[] words = raw.toString().strip().split("\\s+");
    int end = words.length;
    if (end >= 2 && words[end - 2].equalsIgnoreCase("NULLS")
        && (words[end - 1].equalsIgnoreCase("FIRST") || words[end - 1].equalsIgnoreCase("LAST"))) {
      end -= 2;
    }
    if (end >= 2 && (words[end - 1].equalsIgnoreCase("ASC")
        || words[end - 1].equalsIgnoreCase("DESC"))) {
      end--;
    }
    String text = String.join(" ", java.util.Arrays.asList(words).subList(0, end)).strip();
    if (!text.isEmpty()) {
      items.add(text);
    }
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
