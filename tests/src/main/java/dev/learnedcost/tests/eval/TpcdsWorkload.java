package dev.learnedcost.tests.eval;

import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.tpcds.TpcdsDialect;
import dev.learnedcost.examples.tpcds.TpcdsInstantiator;
import dev.learnedcost.examples.tpcds.TpcdsQueries;
import dev.learnedcost.examples.tpcds.TpcdsTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation's TPC-DS workload ({@code --workload tpcds}): one {@link Template} per
 * statement of each chosen TPC-DS template ({@code q07}; {@code q14a} and {@code q14b}), whose
 * instances are fresh parameter draws of {@link TpcdsInstantiator}, seeded from the
 * evaluation's random stream.
 */
final class TpcdsWorkload {
  private TpcdsWorkload() {}

  /**
   * The templates the evaluation runs by default: {@link TpcdsQueries#QUICK} without
   * {@link TpcdsQueries#NO_H2_REFERENCE} (no H2 system and no H2 reference result). The others
   * take 5 to 60 s and more per execution on stock Calcite at scale 0.01; pass them with
   * {@code --templates} for a longer run.
   */
  static List<Integer> defaultTemplates() {
    return TpcdsQueries.QUICK.stream()
        .filter(n -> !TpcdsQueries.NO_H2_REFERENCE.containsKey(n))
        .toList();
  }

  /**
   * Returns the evaluation templates of the given TPC-DS template numbers at a scale.
   *
   * @throws IllegalArgumentException if a number is not a runnable template
   */
  static List<Template> templates(double scale, List<Integer> numbers) {
    TpcdsInstantiator instantiator = new TpcdsInstantiator(scale);
    List<Template> out = new ArrayList<>();
    for (int n : numbers) {
      if (!TpcdsQueries.runnable().contains(n)) {
        throw new IllegalArgumentException("--templates must name runnable TPC-DS templates"
            + " (1..99 without " + TpcdsQueries.NOT_RUNNABLE.keySet() + "), got " + n);
      }
      TpcdsTemplate template = TpcdsTemplate.load(n);
      int parts = template.statements().size();
      for (int part = 0; part < parts; part++) {
        int p = part;
        String name = String.format(Locale.ROOT, "q%02d", n)
            + (parts == 1 ? "" : String.valueOf((char) ('a' + part)));
        out.add(new Template(name, r -> TpcdsDialect.calcite(
            instantiator.instantiate(template, r.nextLong()).statements().get(p))));
      }
    }
    return List.copyOf(out);
  }

  /** Returns the query of an instance: Calcite's text, and H2's from the same instance. */
  static Query query(Template.Instance q) {
    return new Query(q.name(), q.sql(), "template:" + q.template(), TpcdsDialect.h2(q.sql()));
  }
}
