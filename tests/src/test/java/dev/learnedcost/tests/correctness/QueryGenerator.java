package dev.learnedcost.tests.correctness;

import dev.learnedcost.examples.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates random join queries over a {@link JoinSchema}: 2 to 5 tables joined along real
 * foreign keys, random predicates, and a random output shape.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Reproducible: query {@code i} of seed {@code s} depends on {@code (s, i)} only, through
 *       one {@link SplittableRandom} seeded with {@code s + i * golden gamma}; the same pair
 *       gives the same SQL on every JVM, whatever other queries were generated.</li>
 *   <li>Join trees grow from a root table along child-to-parent foreign keys only
 *       ({@link JoinSchema.ForeignKey}), so every root row yields at most one output row: the
 *       result never has more rows than the root table, and ordering by the root's primary key
 *       is total, which makes {@code ORDER BY ... FETCH FIRST} deterministic. A table may appear
 *       twice under different aliases (NATION via CUSTOMER and via SUPPLIER).</li>
 *   <li>Predicates: equality, {@code <>}, ranges and {@code BETWEEN}, {@code IN} lists,
 *       {@code LIKE} prefixes, dates with interval arithmetic, {@code OR} of two on one
 *       table and {@code NOT}. One leaf may be {@code LEFT JOIN}ed with a predicate in its {@code ON}
 *       clause, then tested with {@code IS NULL} / {@code IS NOT NULL} (the data has no NULLs
 *       otherwise).</li>
 *   <li>Shapes: {@code GROUP BY} with {@code COUNT}, {@code SUM}, {@code MIN}, {@code MAX},
 *       {@code COUNT(DISTINCT)}, {@code AVG} over {@code DOUBLE}, optional {@code HAVING} and
 *       {@code ORDER BY}; a global aggregate; or a projection, either ordered by the root's key
 *       with {@code FETCH FIRST}, or unordered (optionally {@code DISTINCT}) over a bounded key
 *       range of the root so results stay small.</li>
 *   <li>Portable SQL only, following the example-queries conventions: unqualified table names,
 *       {@code NULLS LAST} on every {@code ORDER BY} key, {@code FETCH FIRST}, and averages of
 *       {@code CAST(x AS DOUBLE)}.</li>
 * </ul>
 */
final class QueryGenerator {
  /** The golden-ratio increment of {@link SplittableRandom}: spreads neighbouring indexes. */
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  /**
   * Key spans of the root's first key column that keep an unordered projection to about 2,000
   * rows or fewer (TPC-H order keys are sparse: 15,000 orders over 1..60,000, about 4 lines an
   * order); tables missing here hold at most 2,000 rows.
   */
  private static final Map<String, int[]> BOUNDED_SPANS = Map.of(
      "LINEITEM", new int[] {60_000, 2_000},
      "ORDERS", new int[] {60_000, 8_000},
      "PARTSUPP", new int[] {2_000, 500},
      "SALES", new int[] {10_000, 2_000},
      "CITY", new int[] {5_000, 2_000},
      "PRODUCT", new int[] {5_000, 2_000});

  private final JoinSchema schema;

  QueryGenerator(JoinSchema schema) {
    this.schema = schema;
  }

  /** One table occurrence in the join tree. */
  private record Node(String alias, JoinSchema.Table table, Node parent,
      JoinSchema.ForeignKey via) {}

  /**
   * Returns query {@code index} of {@code seed}.
   *
   * @param name the query's name (test display name)
   */
  Query generate(long seed, int index, String name) {
    SplittableRandom r = new SplittableRandom(seed + index * GAMMA);
    List<Node> nodes = joinTree(r, tables(r));
    Node root = nodes.get(0);

    Node outer = null;
    String outerOn = null;
    List<String> where = new ArrayList<>();
    List<Node> leaves = leaves(nodes);
    if (!leaves.isEmpty() && r.nextInt(5) == 0) {
      Node leaf = leaves.get(r.nextInt(leaves.size()));
      String on = predicate(r, leaf);
      if (on != null) {
        outer = leaf;
        outerOn = on;
        String pk = leaf.alias() + "." + leaf.table().primaryKey().get(0);
        switch (r.nextInt(3)) {
          case 0 -> where.add(pk + " IS NULL");
          case 1 -> where.add(pk + " IS NOT NULL");
          default -> { }
        }
      }
    }
    List<Node> filterable = new ArrayList<>(nodes);
    filterable.remove(outer);
    int predicates = r.nextInt(4);
    for (int i = 0; i < predicates; i++) {
      Node on = filterable.get(r.nextInt(filterable.size()));
      String p = predicate(r, on);
      if (p == null) {
        continue;
      }
      int form = r.nextInt(10);
      if (form < 2) {
        // Both sides on one table: an OR across tables stays above the joins and makes Volcano
        // explore join orders for minutes (seen: 5 tables, 60 s timeouts in every Calcite mode).
        String q = predicate(r, on);
        if (q != null) {
          p = "(" + p + " OR " + q + ")";
        }
      } else if (form == 2) {
        p = "NOT (" + p + ")";
      }
      where.add(p);
    }

    StringBuilder from = new StringBuilder(" FROM ").append(root.table().name()).append(' ')
        .append(root.alias());
    for (Node n : nodes.subList(1, nodes.size())) {
      from.append(n == outer ? " LEFT JOIN " : " JOIN ").append(n.table().name()).append(' ')
          .append(n.alias()).append(" ON ");
      JoinSchema.ForeignKey fk = n.via();
      for (int k = 0; k < fk.childColumns().size(); k++) {
        from.append(k > 0 ? " AND " : "").append(n.parent().alias()).append('.')
            .append(fk.childColumns().get(k)).append(" = ").append(n.alias()).append('.')
            .append(fk.parentColumns().get(k));
      }
      if (n == outer) {
        from.append(" AND ").append(outerOn);
      }
    }

    String sql;
    int shape = r.nextInt(20);
    if (shape < 9) {
      sql = grouped(r, nodes, from, where);
    } else if (shape < 12) {
      sql = "SELECT COUNT(*) AS cnt, " + aggregate(r, nodes, "a1") + ", "
          + aggregate(r, nodes, "a2") + from + whereClause(where);
    } else {
      sql = projection(r, nodes, root, from, where);
    }
    return new Query(name, sql, "generated: dataset=" + schema.dataset() + ", seed=" + seed
        + ", index=" + index);
  }

  /**
   * Returns how many tables to join: 2, 3, 4 or 5 with probabilities 30, 30, 25 and 15%, as
   * planning time grows steeply with the number of joins.
   */
  private static int tables(SplittableRandom r) {
    int p = r.nextInt(100);
    return p < 30 ? 2 : p < 60 ? 3 : p < 85 ? 4 : 5;
  }

  private List<Node> joinTree(SplittableRandom r, int size) {
    List<JoinSchema.Table> roots = new ArrayList<>();
    for (JoinSchema.Table t : schema.tables().values()) {
      if (schema.foreignKeys().stream().anyMatch(fk -> fk.child().equals(t.name()))) {
        roots.add(t);
      }
    }
    List<Node> nodes = new ArrayList<>();
    nodes.add(new Node("t1", roots.get(r.nextInt(roots.size())), null, null));
    while (nodes.size() < size) {
      List<Node> from = new ArrayList<>();
      List<JoinSchema.ForeignKey> via = new ArrayList<>();
      for (Node n : nodes) {
        for (JoinSchema.ForeignKey fk : schema.foreignKeys()) {
          if (fk.child().equals(n.table().name()) && !used(nodes, n, fk)) {
            from.add(n);
            via.add(fk);
          }
        }
      }
      if (from.isEmpty()) {
        break;
      }
      int pick = r.nextInt(from.size());
      JoinSchema.ForeignKey fk = via.get(pick);
      nodes.add(new Node("t" + (nodes.size() + 1), schema.tables().get(fk.parent()),
          from.get(pick), fk));
    }
    return nodes;
  }

  private static boolean used(List<Node> nodes, Node parent, JoinSchema.ForeignKey fk) {
    for (Node n : nodes) {
      if (n.parent() == parent && n.via().equals(fk)) {
        return true;
      }
    }
    return false;
  }

  private static List<Node> leaves(List<Node> nodes) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes.subList(1, nodes.size())) {
      if (nodes.stream().noneMatch(m -> m.parent() == n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Returns a random predicate on one of the node's columns, or null if it has none. */
  private static String predicate(SplittableRandom r, Node n) {
    List<JoinSchema.Column> candidates =
        n.table().columns().stream().filter(c -> !c.predicates().isEmpty()).toList();
    if (candidates.isEmpty()) {
      return null;
    }
    JoinSchema.Column c = candidates.get(r.nextInt(candidates.size()));
    JoinSchema.Predicate p = c.predicates().get(r.nextInt(c.predicates().size()));
    return p.apply(r, n.alias() + "." + c.name());
  }

  private static String whereClause(List<String> where) {
    return where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
  }

  private static String column(SplittableRandom r, List<Node> nodes,
      java.util.function.Predicate<JoinSchema.Column> filter) {
    List<String> candidates = new ArrayList<>();
    for (Node n : nodes) {
      for (JoinSchema.Column c : n.table().columns()) {
        if (filter.test(c)) {
          candidates.add(n.alias() + "." + c.name());
        }
      }
    }
    return candidates.isEmpty() ? null : candidates.get(r.nextInt(candidates.size()));
  }

  private static String aggregate(SplittableRandom r, List<Node> nodes, String alias) {
    String summable = column(r, nodes, JoinSchema.Column::summable);
    String any = column(r, nodes, c -> true);
    String expr = switch (summable == null ? 2 + r.nextInt(3) : r.nextInt(5)) {
      case 0 -> "SUM(" + summable + ")";
      case 1 -> "AVG(CAST(" + summable + " AS DOUBLE))";
      case 2 -> "MIN(" + any + ")";
      case 3 -> "MAX(" + any + ")";
      default -> "COUNT(DISTINCT " + any + ")";
    };
    return expr + " AS " + alias;
  }

  private String grouped(SplittableRandom r, List<Node> nodes, StringBuilder from,
      List<String> where) {
    List<String> keys = new ArrayList<>();
    int wanted = 1 + r.nextInt(2);
    for (int i = 0; i < wanted * 3 && keys.size() < wanted; i++) {
      String k = column(r, nodes, JoinSchema.Column::groupable);
      if (k != null && !keys.contains(k)) {
        keys.add(k);
      }
    }
    if (keys.isEmpty()) {
      keys.add(column(r, nodes, c -> true));
    }
    Node root = nodes.get(0);
    int[] span = BOUNDED_SPANS.get(root.table().name());
    List<String> bounded = new ArrayList<>(where);
    if (span != null && r.nextBoolean()) {
      bounded.add(keyRange(r, root, span));
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < keys.size(); i++) {
      sql.append(keys.get(i)).append(" AS k").append(i + 1).append(", ");
    }
    sql.append("COUNT(*) AS cnt");
    int aggregates = r.nextInt(3);
    for (int i = 0; i < aggregates; i++) {
      sql.append(", ").append(aggregate(r, nodes, "a" + (i + 1)));
    }
    sql.append(from).append(whereClause(bounded)).append(" GROUP BY ")
        .append(String.join(", ", keys));
    if (r.nextInt(5) == 0) {
      sql.append(" HAVING COUNT(*) > ").append(1 + r.nextInt(20));
    }
    if (r.nextBoolean()) {
      sql.append(" ORDER BY ");
      for (int i = 0; i < keys.size(); i++) {
        sql.append(i > 0 ? ", " : "").append(keys.get(i))
            .append(r.nextBoolean() ? " DESC" : "").append(" NULLS LAST");
      }
      if (r.nextInt(3) == 0) {
        sql.append(" FETCH FIRST ").append(1 + r.nextInt(10)).append(" ROWS ONLY");
      }
    }
    return sql.toString();
  }

  private static String keyRange(SplittableRandom r, Node root, int[] span) {
    int lo = 1 + r.nextInt(span[0] - span[1]);
    return String.format(Locale.ROOT, "%s.%s BETWEEN %d AND %d", root.alias(),
        root.table().primaryKey().get(0), lo, lo + span[1]);
  }

  private String projection(SplittableRandom r, List<Node> nodes, Node root, StringBuilder from,
      List<String> where) {
    List<String> columns = new ArrayList<>();
    int wanted = 2 + r.nextInt(3);
    for (int i = 0; i < wanted * 3 && columns.size() < wanted; i++) {
      String c = column(r, nodes, x -> true);
      if (!columns.contains(c)) {
        columns.add(c);
      }
    }
    StringBuilder select = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      select.append(i > 0 ? ", " : "").append(columns.get(i)).append(" AS c").append(i + 1);
    }
    if (r.nextBoolean()) {
      StringBuilder order = new StringBuilder(" ORDER BY ");
      List<String> key = root.table().primaryKey();
      boolean descending = r.nextBoolean();
      for (int i = 0; i < key.size(); i++) {
        order.append(i > 0 ? ", " : "").append(root.alias()).append('.').append(key.get(i))
            .append(descending ? " DESC" : "").append(" NULLS LAST");
      }
      return "SELECT " + select + from + whereClause(where) + order + " FETCH FIRST "
          + (1 + r.nextInt(100)) + " ROWS ONLY";
    }
    List<String> bounded = new ArrayList<>(where);
    int[] span = BOUNDED_SPANS.get(root.table().name());
    if (span != null) {
      bounded.add(keyRange(r, root, span));
    }
    return "SELECT " + (r.nextInt(3) == 0 ? "DISTINCT " : "") + select + from
        + whereClause(bounded);
  }
}
