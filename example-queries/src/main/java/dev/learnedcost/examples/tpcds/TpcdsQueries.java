package dev.learnedcost.examples.tpcds;

import dev.learnedcost.examples.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TPC-DS workload as the demo, the correctness suite and the evaluation run it: instances of
 * the 99 templates as {@link Query} values (Calcite text, and H2 text where it differs), and the
 * templates that cannot run here, with the reason.
 *
 * <p>Start here; {@link TpcdsTemplate} parses a template, {@link TpcdsInstantiator} fills it,
 * {@link TpcdsDialect} rewrites it, {@link TpcdsGenerator} makes the data.
 */
public final class TpcdsQueries {

  /**
   * Templates that neither Calcite nor H2 runs here, with the reason (see the example-queries
   * README for the measurements).
   */
  public static final Map<Integer, String> NOT_RUNNABLE = sorted(Map.of());

  /**
   * Templates that Calcite runs but H2 does not: they have no H2 reference, so the correctness
   * suite compares only the three Calcite modes (which must agree exactly).
   */
  public static final Map<Integer, String> NO_H2_REFERENCE = sorted(Map.of(
      51, "H2 has no FULL OUTER JOIN",
      97, "H2 has no FULL OUTER JOIN"));

  /**
   * Runnable templates that stock Calcite needs far longer than the demo's default 30 s timeout
   * for at scale 0.01 (planning many-way joins, or executing them with every table counted as
   * 100 rows), measured on the project's 2-core machine; see the example-queries README. The
   * demo and the evaluation leave them out unless asked; the correctness suite skips them with
   * this reason.
   */
  public static final Map<Integer, String> SLOW = sorted(Map.of());

  private TpcdsQueries() {}

  /**
   * Returns the demo's TPC-DS workload: one instance of every runnable template (without
   * {@link #SLOW} unless {@code includeSlow}), parameters drawn from {@code seed}.
   */
  public static List<Query> demoWorkload(double scale, long seed, boolean includeSlow) {
    TpcdsInstantiator instantiator = new TpcdsInstantiator(scale);
    List<Query> out = new ArrayList<>();
    for (int template : runnable()) {
      if (includeSlow || !SLOW.containsKey(template)) {
        out.addAll(instance(instantiator, template, seed));
      }
    }
    return List.copyOf(out);
  }

  /** Returns the numbers of the templates that run, ascending. */
  public static List<Integer> runnable() {
    List<Integer> out = new ArrayList<>();
    for (int n = 1; n <= TpcdsTemplate.COUNT; n++) {
      if (!NOT_RUNNABLE.containsKey(n)) {
        out.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** Returns whether H2 runs a template's instances (after {@link TpcdsDialect#h2}). */
  public static boolean h2Runs(int template) {
    return !NOT_RUNNABLE.containsKey(template) && !NO_H2_REFERENCE.containsKey(template);
  }

  /**
   * Returns one instance of a template as queries, one per statement: {@code q07}, or
   * {@code q14a} and {@code q14b}. Each carries the Calcite text as {@link Query#sql()} and the
   * H2 text as {@link Query#h2Sql()} (the Calcite text for templates H2 cannot run).
   *
   * @param instantiator fixes the scale the parameters are drawn for
   * @param seed the instance's seed
   * @throws IllegalArgumentException if the template number is not in 1..99
   */
  public static List<Query> instance(TpcdsInstantiator instantiator, int template, long seed) {
    TpcdsQuery q = instantiator.instantiate(TpcdsTemplate.load(template), seed);
    List<Query> out = new ArrayList<>();
    for (int part = 0; part < q.statements().size(); part++) {
      String neutral = q.statements().get(part);
      String calcite = TpcdsDialect.calcite(neutral);
      String h2 = h2Runs(template) ? TpcdsDialect.h2(neutral) : calcite;
      out.add(new Query(q.name(part), calcite, "tpcds:query" + template + ".tpl seed=" + seed
          + " " + q.parameters(), h2));
    }
    return List.copyOf(out);
  }

  private static Map<Integer, String> sorted(Map<Integer, String> map) {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
