package dev.learnedcost.examples.tpcds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWindow;
import org.apache.calcite.sql.dialect.H2SqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Rewrites the dialect-neutral SQL of a {@link TpcdsQuery} for Calcite and for H2.
 *
 * <h2>Rewrites</h2>
 * <ul>
 *   <li>Both engines ({@link #calcite}): {@code date + 30 days} (a {@code dsqgen} dialect form)
 *       becomes {@code date + INTERVAL '30' DAY}; the alias and column name {@code year}, a
 *       reserved word in both, is quoted as {@code "YEAR"}; {@code c_last_review_date}, an
 *       erratum of template 30 (the column is {@code c_last_review_date_sk}), is corrected;
 *       {@code substr} becomes {@code substring}; {@code returns} and the alias {@code at},
 *       reserved in Calcite, are quoted; {@code avg} and {@code stddev_samp} average doubles
 *       (see {@link #averagesAsDouble}).</li>
 *   <li>H2 only ({@link #h2}), on Calcite's parse tree, unparsed with Calcite's H2 dialect:
 *       <ul>
 *         <li>{@code GROUP BY ROLLUP(k1, .., kn)}, which H2 lacks, becomes the {@code UNION ALL}
 *             of the n+1 groupings; in the grouping without {@code ki} the select list has
 *             {@code NULL} for {@code ki} and {@code GROUPING(ki)} becomes 1 (else 0). Window
 *             functions are then computed per grouping level, which equals the original
 *             because every TPC-DS window over a rollup partitions by the grouping level.
 *             An {@code ORDER BY} over the rollup moves to a {@code SELECT *} around the
 *             union.</li>
 *         <li>Null ordering: Calcite sorts {@code NULL} last ascending and first descending,
 *             H2 the opposite; every {@code ORDER BY} item, windows included, gets Calcite's
 *             order written out, so that both engines order (and cut off at the limit) the
 *             same rows.</li>
 *       </ul></li>
 * </ul>
 * What neither rewrite covers (H2's missing {@code FULL OUTER JOIN}, for example) is listed with
 * the templates in {@link TpcdsQueries}.
 */
public final class TpcdsDialect {

  private static final Pattern DAYS =
      Pattern.compile("(?i)([+-])\\s*(\\d+)\\s+days\\b(?!\")");
  private static final Pattern YEAR = Pattern.compile("(?i)(?<![\\w'\"])year(?![\\w'\"(])");
  private static final Pattern RESERVED =
      Pattern.compile("(?i)(?<![\\w'\"])(returns)(?![\\w'\"(])");
  /** {@code d1.d_date + 5} (template 72): date plus integer days. */
  private static final Pattern DATE_PLUS_INT =
      Pattern.compile("(?i)(\\bd_date)\\s*([+-])\\s*(\\d+)\\b(?!\\s*(?:days|'))");
  /** {@code at}, a reserved word, as a table alias (template 90): {@code ) at,} and {@code at.x}. */
  private static final Pattern ALIAS_AT = Pattern.compile("(?i)(\\)\\s{0,8})at\\b|\\bat(?=\\.)");
  private static final Pattern AGGREGATE =
      Pattern.compile("(?i)\\b(avg|stddev_samp)\\s*\\(");
  private static final Pattern SUBSTR = Pattern.compile("(?i)\\bsubstr\\s*\\(");
  private static final Pattern LAST_REVIEW = Pattern.compile("(?i)\\bc_last_review_date\\b");

  private TpcdsDialect() {}

  /** Returns the text Calcite runs (and the base of {@link #h2}). */
  public static String calcite(String neutralSql) {
    return averagesAsDouble(rewriteOutsideStrings(neutralSql));
  }

  private static String rewriteOutsideStrings(String neutralSql) {
    StringBuilder out = new StringBuilder(neutralSql.length() + 64);
    int i = 0;
    while (i < neutralSql.length()) {
      int quote = neutralSql.indexOf('\'', i);
      int end = quote < 0 ? neutralSql.length() : quote;
      out.append(rewriteCode(neutralSql.substring(i, end)));
      if (quote < 0) {
        break;
      }
      int close = neutralSql.indexOf('\'', quote + 1);
      close = close < 0 ? neutralSql.length() - 1 : close;
      out.append(neutralSql, quote, close + 1);
      i = close + 1;
    }
    return out.toString();
  }

  /**
   * Wraps the argument of every {@code avg(..)} and {@code stddev_samp(..)} in
   * {@code cast(.. as double)}, as the demo's TPC-H queries do: Calcite keeps a decimal
   * column's type for its average (and overflows summing {@code DECIMAL(7,2)} prices, templates
   * 28 and 44) while H2 widens the scale, so exact decimal averages differ between the engines
   * in the last digits; over doubles both agree within the comparator's tolerance.
   */
  static String averagesAsDouble(String sql) {
    StringBuilder out = new StringBuilder(sql.length() + 64);
    Matcher m = AGGREGATE.matcher(sql);
    int done = 0;
    while (m.find()) {
      if (m.start() < done || insideString(sql, m.start())) {
        continue;
      }
      int open = m.end() - 1;
      int close = matchingParenthesis(sql, open);
      if (close < 0) {
        break;
      }
      String argument = sql.substring(open + 1, close);
      out.append(sql, done, open + 1);
      String a = argument.strip().toLowerCase(Locale.ROOT);
      if (a.startsWith("cast(") && a.endsWith("as double)")) {
        out.append(argument);
      } else {
        out.append("cast(").append(averagesAsDouble(argument)).append(" as double)");
      }
      out.append(')');
      done = close + 1;
    }
    out.append(sql.substring(done));
    return out.toString();
  }

  private static boolean insideString(String sql, int position) {
    int quotes = 0;
    for (int i = 0; i < position; i++) {
      if (sql.charAt(i) == '\'') {
        quotes++;
      }
    }
    return quotes % 2 == 1;
  }

  private static int matchingParenthesis(String sql, int open) {
    int depth = 0;
    boolean quoted = false;
    for (int i = open; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Rewrites SQL text that lies outside string literals. */
  private static String rewriteCode(String code) {
    String sql = DAYS.matcher(code).replaceAll("$1 INTERVAL '$2' DAY");
    sql = DATE_PLUS_INT.matcher(sql).replaceAll("$1 $2 INTERVAL '$3' DAY");
    sql = YEAR.matcher(sql).replaceAll("\"YEAR\"");
    sql = RESERVED.matcher(sql).replaceAll(m -> "\"" + m.group(1).toUpperCase(Locale.ROOT) + "\"");
    sql = ALIAS_AT.matcher(sql).replaceAll("$1\"AT\"");
    sql = SUBSTR.matcher(sql).replaceAll("substring(");
    return LAST_REVIEW.matcher(sql).replaceAll("c_last_review_date_sk");
  }

  /**
   * Returns the text H2 runs.
   *
   * @throws IllegalArgumentException if Calcite's parser rejects the query (the message says
   *     where)
   */
  public static String h2(String neutralSql) {
    SqlNode query;
    try {
      query = SqlParser.create(calcite(neutralSql), SqlParser.config()).parseQuery();
    } catch (SqlParseException e) {
      throw new IllegalArgumentException("Calcite cannot parse the query: " + e.getMessage(), e);
    }
    SqlNode rewritten = query.accept(new H2Rewrite());
    return rewritten.toSqlString(H2SqlDialect.DEFAULT).getSql();
  }

  /** The H2 rewrites: rollup expansion and explicit null ordering. */
  private static final class H2Rewrite extends SqlShuttle {
    @Override
    public SqlNode visit(SqlCall call) {
      if (call instanceof SqlOrderBy orderBy) {
        SqlNode inner = orderBy.query.accept(this);
        SqlNodeList order = nullsAsCalcite(orderBy.orderList);
        if (inner != orderBy.query && !(inner instanceof SqlSelect)) {
          // The rollup became a union: sort and limit a SELECT * around it.
          inner = selectStar(inner);
        }
        return new SqlOrderBy(orderBy.getParserPosition(), inner, order, orderBy.offset,
            orderBy.fetch);
      }
      if (call instanceof SqlWindow window) {
        SqlNode copy = super.visit(call);
        SqlWindow w = (SqlWindow) copy;
        w.setOrderList(nullsAsCalcite(w.getOrderList()));
        return w;
      }
      SqlNode visited = super.visit(call);
      if (visited instanceof SqlSelect select && select.getGroup() != null) {
        return expandRollup(select);
      }
      return visited;
    }

    private static SqlNode selectStar(SqlNode union) {
      SqlNode alias = SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, union,
          new SqlIdentifier("LEVELS", SqlParserPos.ZERO));
      return new SqlSelect(SqlParserPos.ZERO, null,
          SqlNodeList.of(SqlIdentifier.star(SqlParserPos.ZERO)), alias, null, null, null, null,
          null, null, null, null, null);
    }

    private static SqlNodeList nullsAsCalcite(SqlNodeList order) {
      if (order == null || order.isEmpty()) {
        return order;
      }
      List<SqlNode> out = new ArrayList<>();
      for (SqlNode item : order) {
        if (item.getKind() == SqlKind.NULLS_FIRST || item.getKind() == SqlKind.NULLS_LAST) {
          out.add(item);
        } else if (item.getKind() == SqlKind.DESCENDING) {
          out.add(SqlStdOperatorTable.NULLS_FIRST.createCall(SqlParserPos.ZERO, item));
        } else {
          out.add(SqlStdOperatorTable.NULLS_LAST.createCall(SqlParserPos.ZERO, item));
        }
      }
      return new SqlNodeList(out, order.getParserPosition());
    }

    private static SqlNode expandRollup(SqlSelect select) {
      SqlNodeList group = select.getGroup();
      if (group.size() != 1 || group.get(0).getKind() != SqlKind.ROLLUP) {
        return select;
      }
      List<SqlNode> keys = ((SqlCall) group.get(0)).getOperandList();
      List<SqlNode> branches = new ArrayList<>();
      for (int kept = keys.size(); kept >= 0; kept--) {
        List<SqlNode> in = keys.subList(0, kept);
        List<SqlNode> out = keys.subList(kept, keys.size());
        SqlShuttle level = new RollupLevel(in, out);
        SqlNodeList items = new SqlNodeList(SqlParserPos.ZERO);
        for (SqlNode item : select.getSelectList()) {
          items.add(item.accept(level));
        }
        SqlNode having = select.getHaving() == null ? null : select.getHaving().accept(level);
        branches.add(new SqlSelect(SqlParserPos.ZERO, null, items, select.getFrom(),
            select.getWhere(), kept == 0 ? null : new SqlNodeList(in, SqlParserPos.ZERO),
            having, null, null, null, null, null, null));
      }
      SqlNode union = branches.get(0);
      for (int i = 1; i < branches.size(); i++) {
        union = SqlStdOperatorTable.UNION_ALL.createCall(SqlParserPos.ZERO, union,
            branches.get(i));
      }
      return union;
    }
  }

  /** One grouping level of a rollup: dropped keys become NULL, GROUPING(k) a constant. */
  private static final class RollupLevel extends SqlShuttle {
    private final List<SqlNode> kept;
    private final List<SqlNode> dropped;

    RollupLevel(List<SqlNode> kept, List<SqlNode> dropped) {
      this.kept = kept;
      this.dropped = dropped;
    }

    @Override
    public SqlNode visit(SqlIdentifier id) {
      return contains(dropped, id) ? SqlLiteral.createNull(SqlParserPos.ZERO) : id;
    }

    @Override
    public SqlNode visit(SqlCall call) {
      // The parser leaves most functions unresolved: recognise GROUPING by name.
      if (call.getOperator().getName().equalsIgnoreCase("GROUPING")) {
        SqlNode key = call.operand(0);
        if (!contains(kept, key) && !contains(dropped, key)) {
          throw new IllegalArgumentException("GROUPING(" + key + ") names no rollup key");
        }
        return SqlLiteral.createExactNumeric(contains(kept, key) ? "0" : "1",
            SqlParserPos.ZERO);
      }
      if (call.getKind() == SqlKind.AS) {
        // Keep the alias identifier as it is; rewrite only the expression.
        SqlNode expr = call.operand(0).accept(this);
        return SqlStdOperatorTable.AS.createCall(call.getParserPosition(), expr, call.operand(1));
      }
      return super.visit(call);
    }

    private static boolean contains(List<SqlNode> keys, SqlNode node) {
      for (SqlNode k : keys) {
        if (k.equalsDeep(node, org.apache.calcite.util.Litmus.IGNORE)) {
          return true;
        }
      }
      return false;
    }
  }
}
