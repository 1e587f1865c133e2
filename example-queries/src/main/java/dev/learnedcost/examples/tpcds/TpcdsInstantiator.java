package dev.learnedcost.examples.tpcds;

import dev.learnedcost.examples.tpcds.TpcdsTemplate.Binary;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Call;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Choice;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Expr;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Literal;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Ref;
import dev.learnedcost.examples.tpcds.TpcdsTemplate.Word;
import io.trino.tpcds.PseudoTableScalingInfos;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a {@link TpcdsTemplate}'s parameters with values drawn, from a seed, out of the same
 * distributions the data generator used, so that every instance selects values the data holds.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Functions (as {@code dsqgen} defines them): {@code random(lo, hi, uniform)} a uniform
 *       integer in [lo, hi]; {@code dist(d, v, w)} value column v of a row of distribution d
 *       drawn with weight set w (a number or a name such as {@code large}); {@code distmember(d,
 *       row, v)} value column v of the 1-based row; {@code ulist(expr, n)} n distinct draws of
 *       expr, referenced as {@code [NAME.1]} to {@code [NAME.n]}; {@code date(from, to, sales)} a
 *       day in [from, to] drawn with the calendar's sales weights (leap-year weights in leap
 *       years); {@code text({"a", w}, ...)} a weighted choice of strings; {@code rowcount(x)} the
 *       rows of table x at the scale, the rows of distribution x, or for
 *       {@code active_counties}, {@code active_states} and {@code active_cities} the number of
 *       counties or cities the generator gives the small tables (store, call center, warehouse,
 *       web site) at this scale; these are the first rows of {@code fips_county} and
 *       {@code cities}, which is why templates pick them by row number.</li>
 *   <li>{@code ulist} over a domain smaller than n (at scale 0.01 every store is in one
 *       county) repeats the values it found, as {@code dsqgen}'s qualification answers do
 *       ({@code s_state in ('TN','TN','TN',...)}).</li>
 *   <li>Lazy: a parameter is evaluated when the SQL or another parameter first refers to it,
 *       in the order of reference, so an unused definition (query 88's {@code dist(stores,..)},
 *       a distribution the generator jar does not ship) costs nothing.</li>
 *   <li>Determinism: the same template, seed and scale give the same instance; the random
 *       stream is a {@link SplittableRandom} seeded with the seed and the template number.</li>
 *   <li>The output is dialect-neutral SQL: templates' own syntax ({@code + 30 days}) is kept
 *       and the row limit is written {@code LIMIT n}; {@link TpcdsDialect} rewrites it for an
 *       engine.</li>
 * </ul>
 */
public final class TpcdsInstantiator {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\[([A-Za-z_][A-Za-z_0-9]*)(?:\\.(\\d+))?\\]");
  private static final int ULIST_ATTEMPTS_PER_VALUE = 64;

  private final double scale;

  /**
   * Creates an instantiator for data at a scale factor.
   *
   * @throws IllegalArgumentException if the scale is not in (0, 100000]
   */
  public TpcdsInstantiator(double scale) {
    TpcdsGenerator.checkScale(scale);
    this.scale = scale;
  }

  /** Returns the scale factor whose data the instances select from. */
  public double scale() {
    return scale;
  }

  /**
   * Returns one instance of a template.
   *
   * @param seed any value; equal seeds give equal instances
   * @throws IllegalStateException if a parameter cannot be evaluated (the message names it)
   */
  public TpcdsQuery instantiate(TpcdsTemplate template, long seed) {
    Evaluation evaluation = new Evaluation(template, seed);
    List<String> sql = new ArrayList<>();
    for (String statement : template.statements()) {
      sql.add(evaluation.fill(statement));
    }
    return new TpcdsQuery(template.number(), seed, evaluation.shown(), sql);
  }

  /** The state of one instantiation. */
  private final class Evaluation {
    private final TpcdsTemplate template;
    private final SplittableRandom random;
    private final Map<String, List<Object>> values = new HashMap<>();
    private final Map<String, String> shown = new LinkedHashMap<>();
    private final LinkedHashSet<String> evaluating = new LinkedHashSet<>();

    Evaluation(TpcdsTemplate template, long seed) {
      this.template = template;
      this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + template.number());
    }

    Map<String, String> shown() {
      return shown;
    }

    String fill(String statement) {
      Matcher m = PLACEHOLDER.matcher(statement);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1).toUpperCase(Locale.ROOT);
        int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        m.appendReplacement(out, Matcher.quoteReplacement(placeholder(name, index)));
      }
      m.appendTail(out);
      return out.toString().strip();
    }

    private String placeholder(String name, int index) {
      switch (name) {
        case "_LIMITA", "_LIMITB" -> {
          return "";
        }
        case "_LIMITC" -> {
          return template.parameterNames().contains("_LIMIT")
              ? "LIMIT " + text(value("_LIMIT", 0)) : "";
        }
        default -> {
          return text(value(name, index));
        }
      }
    }

    private Object value(String name, int index) {
      List<Object> list = values.get(name);
      if (list == null) {
        Expr expr = template.parameter(name);
        if (expr == null) {
          throw new IllegalStateException("template " + template.number()
              + " refers to [" + name + "], which it does not define");
        }
        if (!evaluating.add(name)) {
          throw new IllegalStateException("template " + template.number()
              + ": parameter " + name + " depends on itself via " + evaluating);
        }
        try {
          list = expr instanceof Call c && c.function().equals("ulist") ? ulist(c) : List.of(eval(expr));
        } catch (RuntimeException e) {
          throw new IllegalStateException("template " + template.number() + ", parameter "
              + name + ": " + e.getMessage(), e);
        } finally {
          evaluating.remove(name);
        }
        values.put(name, list);
        shown.put(name, list.size() == 1 ? text(list.get(0)) : list.stream().map(
            TpcdsInstantiator::text).toList().toString());
      }
      if (index == 0) {
        return list.get(0);
      }
      if (index < 1 || index > list.size()) {
        throw new IllegalStateException("template " + template.number() + " refers to ["
            + name + "." + index + "], but " + name + " has " + list.size() + " value(s)");
      }
      return list.get(index - 1);
    }

    private List<Object> ulist(Call c) {
      arity(c, 2);
      int n = (int) number(eval(c.args().get(1)));
      if (n < 1) {
        throw new IllegalArgumentException("ulist count must be at least 1, got " + n);
      }
      LinkedHashSet<Object> found = new LinkedHashSet<>();
      for (int attempt = 0; attempt < n * ULIST_ATTEMPTS_PER_VALUE && found.size() < n;
          attempt++) {
        found.add(eval(c.args().get(0)));
      }
      List<Object> distinct = new ArrayList<>(found);
      List<Object> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(distinct.get(i % distinct.size()));
      }
      return out;
    }

    private Object eval(Expr expr) {
      if (expr instanceof Literal l) {
        return l.value();
      }
      if (expr instanceof Ref r) {
        return value(r.name(), r.index());
      }
      if (expr instanceof Word w) {
        return w.word();
      }
      if (expr instanceof Binary b) {
        return binary(b.op(), eval(b.left()), eval(b.right()));
      }
      if (expr instanceof Call c) {
        return call(c);
      }
      if (expr instanceof Choice) {
        throw new IllegalArgumentException("a {\"value\", weight} choice is allowed only inside"
            + " text(...)");
      }
      throw new AssertionError(expr);
    }

    private Object binary(char op, Object left, Object right) {
      boolean numeric = isNumber(left) && isNumber(right);
      if (op == '+' && !numeric) {
        return text(left) + text(right);
      }
      if (!numeric) {
        throw new IllegalArgumentException("'" + op + "' needs numbers, got " + left + " and "
            + right);
      }
      long a = number(left);
      long b = number(right);
      return switch (op) {
        case '+' -> a + b;
        case '-' -> a - b;
        case '*' -> a * b;
        case '/' -> {
          if (b == 0) {
            throw new ArithmeticException("division by zero in a parameter expression");
          }
          yield a / b;
        }
        default -> throw new AssertionError(op);
      };
    }

    private Object call(Call c) {
      List<Expr> args = c.args();
      switch (c.function()) {
        case "random" -> {
          arity(c, 3);
          long lo = number(eval(args.get(0)));
          long hi = number(eval(args.get(1)));
          requireUniform(eval(args.get(2)));
          if (hi < lo) {
            throw new IllegalArgumentException("random(lo, hi) needs lo <= hi, got " + lo
                + " and " + hi);
          }
          return lo + random.nextLong(hi - lo + 1);
        }
        case "dist" -> {
          arity(c, 3);
          String name = text(eval(args.get(0)));
          Distributions.Distribution d = Distributions.get(name);
          int column = (int) number(eval(args.get(1)));
          int weights = Distributions.weightSet(name, text(eval(args.get(2))));
          return asValue(d.member(d.pickRow(weights, random::nextLong), column));
        }
        case "distmember" -> {
          arity(c, 3);
          Distributions.Distribution d = Distributions.get(text(eval(args.get(0))));
          long row = number(eval(args.get(1)));
          int column = (int) number(eval(args.get(2)));
          return asValue(d.member(row, column));
        }
        case "rowcount" -> {
          if (args.isEmpty() || args.size() > 2) {
            throw new IllegalArgumentException("rowcount takes 1 or 2 arguments, got "
                + args.size());
          }
          return rowcount(text(eval(args.get(0))));
        }
        case "date" -> {
          arity(c, 3);
          return date(text(eval(args.get(0))), text(eval(args.get(1))),
              text(eval(args.get(2))));
        }
        case "text" -> {
          if (args.isEmpty()) {
            throw new IllegalArgumentException("text(...) needs at least one choice");
          }
          long total = 0;
          for (Expr e : args) {
            if (!(e instanceof Choice choice)) {
              throw new IllegalArgumentException("text(...) takes {\"value\", weight} choices");
            }
            total += choice.weight();
          }
          long pick = random.nextLong(total);
          for (Expr e : args) {
            Choice choice = (Choice) e;
            pick -= choice.weight();
            if (pick < 0) {
              return choice.value();
            }
          }
          throw new AssertionError("weights changed");
        }
        case "ulist" -> throw new IllegalArgumentException("ulist(...) must be a whole"
            + " definition, not part of an expression");
        default -> throw new IllegalArgumentException("unknown function " + c.function()
            + "(...); supported: random, dist, distmember, ulist, date, text, rowcount");
      }
    }

    private Object date(String from, String to, String weights) {
      LocalDate start = parseDate(from);
      LocalDate end = parseDate(to);
      if (end.isBefore(start)) {
        throw new IllegalArgumentException("date(from, to) needs from <= to, got " + from
            + " and " + to);
      }
      if (!weights.equalsIgnoreCase("sales") && !weights.equalsIgnoreCase("uniform")) {
        throw new IllegalArgumentException("date weights must be 'sales' or 'uniform', got '"
            + weights + "'");
      }
      Distributions.Distribution calendar = Distributions.get("calendar");
      long days = end.toEpochDay() - start.toEpochDay() + 1;
      long[] cumulative = new long[(int) days];
      long total = 0;
      for (int i = 0; i < days; i++) {
        LocalDate day = start.plusDays(i);
        // Weight sets 3 and 4: sales likelihood in ordinary and in leap years (calendar.dst).
        int set = weights.equalsIgnoreCase("uniform") ? 1 : day.isLeapYear() ? 4 : 3;
        total += calendar.weights().get(day.getDayOfYear() - 1)[set - 1];
        cumulative[i] = total;
      }
      if (total == 0) {
        return start.toString();
      }
      long pick = random.nextLong(total);
      for (int i = 0; i < days; i++) {
        if (pick < cumulative[i]) {
          return start.plusDays(i).toString();
        }
      }
      throw new AssertionError("cumulative weights");
    }

    private Object rowcount(String name) {
      String key = name.toLowerCase(Locale.ROOT);
      switch (key) {
        case "active_counties", "active_states" -> {
          return PseudoTableScalingInfos.ACTIVE_COUNTIES.getRowCountForScale(scale);
        }
        case "active_cities" -> {
          return PseudoTableScalingInfos.ACTIVE_CITIES.getRowCountForScale(scale);
        }
        default -> {
          if (Distributions.exists(key)) {
            return (long) Distributions.get(key).size();
          }
          return TpcdsGenerator.plannedRows(key, scale);
        }
      }
    }

    private void arity(Call c, int n) {
      if (c.args().size() != n) {
        throw new IllegalArgumentException(c.function() + " takes " + n + " arguments, got "
            + c.args().size());
      }
    }
  }

  private static void requireUniform(Object distribution) {
    if (!"uniform".equalsIgnoreCase(text(distribution))) {
      throw new IllegalArgumentException("random(...) supports the uniform distribution only,"
          + " got '" + distribution + "'");
    }
  }

  private static LocalDate parseDate(String text) {
    String[] parts = text.strip().split("-");
    try {
      if (parts.length != 3) {
        throw new DateTimeParseException("not y-m-d", text, 0);
      }
      return LocalDate.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("date must be year-month-day, got '" + text + "'", e);
    }
  }

  /** Keeps integers as {@link Long} so that arithmetic on distribution values works. */
  private static Object asValue(String text) {
    return isNumber(text) ? (Object) Long.parseLong(text.strip()) : text;
  }

  private static boolean isNumber(Object value) {
    if (value instanceof Long) {
      return true;
    }
    String s = value.toString().strip();
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    int start = s.charAt(0) == '-' ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static long number(Object value) {
    if (!isNumber(value)) {
      throw new IllegalArgumentException("expected an integer, got '" + value + "'");
    }
    return value instanceof Long l ? l : Long.parseLong(value.toString().strip());
  }

  private static String text(Object value) {
    return value.toString();
  }
}
