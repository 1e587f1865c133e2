package dev.learnedcost.tests.correctness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.SkewDataset;
import dev.learnedcost.examples.TpchDataset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized joins of 2 to 5 tables ({@link QueryGenerator}) return the same rows in H2, stock
 * Calcite, shadow mode and with the trained model.
 *
 * <p>System properties: {@code correctness.seed} (a number, or {@code random} for a new seed
 * printed at the start; default {@value #DEFAULT_SEED}, so CI runs are repeatable) and
 * {@code correctness.randomQueries} (default {@value #DEFAULT_COUNT}; two in three over TPC-H,
 * one in three over the skew data set). A failure names the seed and index and shows the SQL;
 * {@code -Dcorrectness.seed=<seed>} generates the same queries again.
 */
@ExtendWith(CorrectnessFixture.Resolver.class)
class RandomQueriesFourWayTest {
  static final long DEFAULT_SEED = 20_261_124L;
  static final int DEFAULT_COUNT = 200;

  private static final long SEED = seed();
  private static final int COUNT = Integer.getInteger("correctness.randomQueries", DEFAULT_COUNT);

  private static long seed() {
    String value = System.getProperty("correctness.seed", Long.toString(DEFAULT_SEED));
    long seed = value.equals("random") ? System.nanoTime() : Long.parseLong(value.trim());
    System.out.printf(Locale.ROOT, "random queries: seed %d (-Dcorrectness.seed=%d repeats"
        + " them)%n", seed, seed);
    return seed;
  }

  /** Returns the data set of query {@code index}. */
  static String datasetOf(int index) {
    return index % 3 == 2 ? SkewDataset.NAME : TpchDataset.NAME;
  }

  /** Returns the generated queries of a seed, as the suite runs them. */
  static List<Query> queries(long seed, int count) {
    QueryGenerator tpch = new QueryGenerator(JoinSchema.tpch());
    QueryGenerator skew = new QueryGenerator(JoinSchema.skew());
    List<Query> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String dataset = datasetOf(i);
      out.add((dataset.equals(TpchDataset.NAME) ? tpch : skew)
          .generate(seed, i, String.format(Locale.ROOT, "r%03d_%s", i, dataset)));
    }
    return out;
  }

  /**
   * Per query and mode: {@code -Dcorrectness.randomTimeoutSeconds}, default 30 (the slowest
   * generated query that finished took 6 s in one mode on a loaded 2-core machine).
   */
  private static final Duration TIMEOUT =
      Duration.ofSeconds(Long.getLong("correctness.randomTimeoutSeconds", 30));

  /**
   * At most this share of the generated queries may be left uncompared because stock Calcite
   * timed out; more would hollow the suite out, so {@link #fewQueriesLeftUncompared} fails.
   */
  static final double MAX_STOCK_TIMEOUT_SHARE = 0.02;

  private static final List<String> STOCK_TIMEOUTS = new CopyOnWriteArrayList<>();

  /**
   * One dynamic test per query. A query that stock Calcite cannot plan and run within the
   * timeout tests Calcite's planner, not the plugin: it is aborted (reported as skipped, with
   * its SQL and the reason) and counted; a timeout or failure in any other mode fails it.
   */
  @TestFactory
  Stream<DynamicTest> randomJoin_fourModes_sameRows(CorrectnessFixture f) {
    List<Query> queries = queries(SEED, COUNT);
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      Query q = queries.get(i);
      FourWayCheck check = f.check(datasetOf(i), TIMEOUT);
      String reproduction = "seed " + SEED + ", index " + i
          + "; -Dcorrectness.seed=" + SEED + " generates it again";
      tests.add(DynamicTest.dynamicTest(q.name(), () -> {
        FourWayCheck.Outcome outcome = check.run(q);
        if (outcome.stockTimedOut()) {
          STOCK_TIMEOUTS.add(q.name() + ": " + q.sql());
          Assumptions.abort("stock Calcite did not return within " + TIMEOUT.toSeconds()
              + " s, so the plugin's modes were not compared (" + reproduction + "):\n"
              + q.sql());
        }
        FourWayCheck.assertAgree(outcome, reproduction);
      }));
    }
    return tests.stream();
  }

  @AfterAll
  static void fewQueriesLeftUncompared() {
    assertThat(STOCK_TIMEOUTS.size())
        .as("generated queries that stock Calcite could not run within %d s (seed %d): %s",
            TIMEOUT.toSeconds(), SEED, STOCK_TIMEOUTS)
        .isLessThanOrEqualTo((int) (COUNT * MAX_STOCK_TIMEOUT_SHARE));
  }

  /** The generator keeps its promises: join sizes, predicate kinds, shapes, reproducibility. */
  @Test
  void generator_defaultSeed_coversJoinSizesPredicatesAndShapesReproducibly() {
    List<Query> queries = queries(SEED, COUNT);
    assertThat(queries).hasSizeGreaterThanOrEqualTo(200);
    assertThat(queries(SEED, COUNT)).as("same seed, same SQL").isEqualTo(queries);
    Set<Integer> joinSizes = new HashSet<>();
    String all = String.join("\n", queries.stream().map(Query::sql).toList());
    for (Query q : queries) {
      int tables = q.sql().split(" JOIN ", -1).length;
      assertThat(tables).as("tables joined in %s: %s", q.name(), q.sql()).isBetween(2, 5);
      joinSizes.add(tables);
    }
    assertThat(joinSizes).as("join sizes seen").containsExactlyInAnyOrder(2, 3, 4, 5);
    for (String feature : List.of(" = ", " <> ", " BETWEEN ", " IN (", " LIKE '", " IS NULL",
        " IS NOT NULL", " LEFT JOIN ", " OR ", "NOT (", " GROUP BY ", " HAVING ", " ORDER BY ",
        " FETCH FIRST ", "DISTINCT ", "COUNT(DISTINCT ", "AVG(CAST(", "SUM(", " INTERVAL ")) {
      assertThat(all).as("some generated query uses %s", feature).contains(feature);
    }
  }
}
