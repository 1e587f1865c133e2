package dev.learnedcost.examples.tpcds;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One of the 99 TPC-DS query templates of {@code net.hydromatic:tpcds}
 * ({@code query_templates/queryN.tpl}), parsed: its parameter definitions as expression trees
 * and its SQL statements with {@code [NAME]} placeholders.
 *
 * <h2>Template language (the subset of {@code dsqgen}'s the 99 templates use)</h2>
 * <pre>
 * define NAME = expr;                 -- case-insensitive keyword, one per parameter
 * expr   := term (('+' | '-') term)*  -- '+' adds numbers, else concatenates strings
 * term   := factor (('*' | '/') factor)*
 * factor := INTEGER | "string" | '-' factor | '[' NAME ('.' INDEX)? ']' | WORD
 *         | WORD '(' expr (',' expr)* ')' | '{' "string" ',' INTEGER '}'
 * </pre>
 * The statements follow the last definition; {@code ;} ends each (four templates, 14, 23, 24
 * and 39, hold two). {@code --} comments are dropped. Placeholders {@code [_LIMITA]},
 * {@code [_LIMITB]} and {@code [_LIMITC]} mark where a dialect puts its row limit; the value of
 * the {@code _LIMIT} parameter is the limit.
 */
public final class TpcdsTemplate {

  /** Number of templates: {@code query1.tpl} to {@code query99.tpl}. */
  public static final int COUNT = 99;

  private static final String DIRECTORY = "query_templates/";

  /** A parsed parameter expression. */
  sealed interface Expr permits Literal, Ref, Word, Call, Binary, Choice {}

  /** An integer or string literal. */
  record Literal(Object value) implements Expr {}

  /** {@code [NAME]} or {@code [NAME.index]}; index 0 when absent. */
  record Ref(String name, int index) implements Expr {}

  /** A bare word: a distribution name or a weight set name. */
  record Word(String word) implements Expr {}

  /** A function call, name lower case. */
  record Call(String function, List<Expr> args) implements Expr {}

  /** {@code left op right}, op one of {@code + - * /}. */
  record Binary(char op, Expr left, Expr right) implements Expr {}

  /** {@code {"value", weight}} inside {@code text(...)}. */
  record Choice(String value, long weight) implements Expr {}

  private final int number;
  private final Map<String, Expr> parameters;
  private final List<String> statements;

  private TpcdsTemplate(int number, Map<String, Expr> parameters, List<String> statements) {
    this.number = number;
    this.parameters = parameters;
    this.statements = statements;
  }

  /**
   * Loads and parses {@code query<number>.tpl} from the class path.
   *
   * @throws IllegalArgumentException if {@code number} is not in 1..99
   * @throws IllegalStateException if the template cannot be parsed (the message says where)
   */
  public static TpcdsTemplate load(int number) {
    if (number < 1 || number > COUNT) {
      throw new IllegalArgumentException("template number must be in 1.." + COUNT + ", got "
          + number);
    }
    String resource = DIRECTORY + "query" + number + ".tpl";
    try (InputStream in = TpcdsTemplate.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class-path resource " + resource + " is missing;"
            + " net.hydromatic:tpcds is not on the class path");
      }
      return parse(number, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * Parses a template's text.
   *
   * @throws IllegalStateException if a definition does not parse or no statement follows
   */
  public static TpcdsTemplate parse(int number, String text) {
    Map<String, Expr> parameters = new LinkedHashMap<>();
    List<String> statements = new ArrayList<>();
    for (String piece : splitStatements(stripComments(text))) {
      String s = piece.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.regionMatches(true, 0, "define", 0, 6) && s.length() > 6
          && Character.isWhitespace(s.charAt(6))) {
        int eq = s.indexOf('=');
        if (eq < 0) {
          throw new IllegalStateException("template " + number + ": definition without '=': "
              + s);
        }
        String name = s.substring(6, eq).strip().toUpperCase(Locale.ROOT);
        try {
          parameters.put(name, new Parser(s.substring(eq + 1)).parseAll());
        } catch (IllegalStateException e) {
          throw new IllegalStateException("template " + number + ", parameter " + name + ": "
              + e.getMessage(), e);
        }
      } else {
        statements.add(s);
      }
    }
    if (statements.isEmpty()) {
      throw new IllegalStateException("template " + number + " holds no SQL statement");
    }
    return new TpcdsTemplate(number, Map.copyOf(parameters), List.copyOf(statements));
  }

  /** Returns the template's number, 1..99. */
  public int number() {
    return number;
  }

  /** Returns the parameter names, upper case. */
  public java.util.Set<String> parameterNames() {
    return parameters.keySet();
  }

  Expr parameter(String name) {
    return parameters.get(name);
  }

  /** Returns the statements with their placeholders, in order; most templates have one. */
  public List<String> statements() {
    return statements;
  }

  @Override
  public String toString() {
    return "query" + number + ".tpl";
  }

  /** Removes {@code --} comments outside quotes. */
  static String stripComments(String text) {
    StringBuilder out = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        out.append(c);
      } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
        out.append('\n');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Splits at {@code ;} outside quotes. */
  static List<String> splitStatements(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        current.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        current.append(c);
      } else if (c == ';') {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  /** Recursive-descent parser of one parameter expression. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Expr parseAll() {
      Expr e = expr();
      skip();
      if (pos != s.length()) {
        throw error("unexpected '" + s.substring(pos) + "'");
      }
      return e;
    }

    private Expr expr() {
      return operations("+-", this::term);
    }

    private Expr term() {
      return operations("*/", this::factor);
    }

    /** A left-associative chain of operands joined by any of {@code operators}. */
    private Expr operations(String operators, java.util.function.Supplier<Expr> operand) {
      Expr left = operand.get();
      while (true) {
        skip();
        if (pos < s.length() && operators.indexOf(s.charAt(pos)) >= 0) {
          char op = s.charAt(pos++);
          left = new Binary(op, left, operand.get());
        } else {
          return left;
        }
      }
    }

    private Expr factor() {
      skip();
      if (pos >= s.length()) {
        throw error("expression ends early");
      }
      char c = s.charAt(pos);
      if (c == '-') {
        pos++;
        return new Binary('-', new Literal(0L), factor());
      }
      if (Character.isDigit(c)) {
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        return new Literal(Long.parseLong(s.substring(start, pos)));
      }
      if (c == '"') {
        return new Literal(string());
      }
      if (c == '[') {
        int end = s.indexOf(']', pos);
        if (end < 0) {
          throw error("'[' without ']'");
        }
        String ref = s.substring(pos + 1, end).strip().toUpperCase(Locale.ROOT);
        pos = end + 1;
        int dot = ref.indexOf('.');
        return dot < 0 ? new Ref(ref, 0)
            : new Ref(ref.substring(0, dot), Integer.parseInt(ref.substring(dot + 1)));
      }
      if (c == '{') {
        pos++;
        skip();
        String value = string();
        expect(',');
        skip();
        Expr weight = factor();
        expect('}');
        if (!(weight instanceof Literal l) || !(l.value() instanceof Long w)) {
          throw error("a choice's weight must be an integer");
        }
        return new Choice(value, w);
      }
      if (Character.isLetter(c) || c == '_') {
        int start = pos;
        while (pos < s.length()
            && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
          pos++;
        }
        String word = s.substring(start, pos);
        skip();
        if (peek('(')) {
          pos++;
          List<Expr> args = new ArrayList<>();
          skip();
          if (!peek(')')) {
            args.add(expr());
            skip();
            while (peek(',')) {
              pos++;
              args.add(expr());
              skip();
            }
          }
          expect(')');
          return new Call(word.toLowerCase(Locale.ROOT), List.copyOf(args));
        }
        return new Word(word);
      }
      throw error("unexpected '" + c + "'");
    }

    private String string() {
      expect('"');
      int end = s.indexOf('"', pos);
      if (end < 0) {
        throw error("unterminated string");
      }
      String value = s.substring(pos, end);
      pos = end + 1;
      return value;
    }

    private void expect(char c) {
      skip();
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void skip() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private IllegalStateException error(String what) {
      return new IllegalStateException(what + " at offset " + pos + " of '" + s.strip() + "'");
    }
  }

}
