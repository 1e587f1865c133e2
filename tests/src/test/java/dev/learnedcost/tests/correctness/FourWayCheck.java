package dev.learnedcost.tests.correctness;

import static org.junit.jupiter.api.Assertions.fail;

import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultComparison;
import dev.learnedcost.examples.internal.QueryRun;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs one query in every {@link Mode} and compares each Calcite result with H2's, using the
 * demo's {@link ResultComparator} (multisets unless the query has a top-level {@code ORDER BY};
 * approximate numbers within relative 1e-9). Every test of the suite, the planted-fault test
 * included, goes through {@link #run} and {@link #assertAgree}.
 */
final class FourWayCheck {

  /** Executes a query in one mode; never throws for a query that fails or times out. */
  @FunctionalInterface
  interface ModeRunner {
    QueryRun run(Query query);
  }

  /**
   * What happened to one query.
   *
   * @param query the query
   * @param runs one run per mode that ran, in {@link Mode} order
   * @param problems one line per disagreement: a mode that failed, timed out or returned other
   *     rows than H2; empty when all four agree
   */
  record Outcome(Query query, Map<Mode, QueryRun> runs, List<String> problems) {
    boolean agrees() {
      return problems.isEmpty();
    }

    /**
     * Whether stock Calcite timed out, so that the plugin's modes were not run: the query says
     * nothing about the plugin (it tests Calcite's planner), and waiting for two more timeouts
     * would cost the suite's time budget.
     */
    boolean stockTimedOut() {
      return runs.get(Mode.STOCK).status() == QueryRun.Status.TIMEOUT;
    }

    /** Returns one line per mode: status, rows and milliseconds. */
    String summary() {
      StringBuilder sb = new StringBuilder();
      runs.forEach((mode, run) -> sb.append(String.format(java.util.Locale.ROOT,
          "%n  %-7s %-7s %6d rows %9.1f ms", mode.label(), run.status(), run.rows(), run.ms())));
      return sb.toString();
    }
  }

  private final Map<Mode, ModeRunner> runners;
  private final Consumer<Outcome> observer;
  private final ResultComparator comparator = new ResultComparator();

  /**
   * Creates a check.
   *
   * @param runners a runner for every mode
   * @param observer sees every outcome (the suite's tally)
   * @throws IllegalArgumentException if a mode has no runner
   */
  FourWayCheck(Map<Mode, ModeRunner> runners, Consumer<Outcome> observer) {
    for (Mode m : Mode.values()) {
      if (!runners.containsKey(m)) {
        throw new IllegalArgumentException("runners must cover every mode, missing " + m);
      }
    }
    this.runners = new EnumMap<>(runners);
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Returns a check that runs {@code mode} with {@code runner} and the others as this one, and
   * whose outcomes nobody observes (planted faults stay out of the suite's tally).
   */
  FourWayCheck with(Mode mode, ModeRunner runner) {
    Map<Mode, ModeRunner> copy = new EnumMap<>(runners);
    copy.put(mode, Objects.requireNonNull(runner, "runner"));
    return new FourWayCheck(copy, outcome -> { });
  }

  /**
   * Runs {@code query} in every mode, H2 first, and compares the results with H2's. If stock
   * Calcite times out, the plugin's modes are not run (see {@link Outcome#stockTimedOut()}).
   */
  Outcome run(Query query) {
    Map<Mode, QueryRun> runs = new EnumMap<>(Mode.class);
    for (Mode m : Mode.values()) {
      QueryRun run = runners.get(m).run(query);
      runs.put(m, run);
      if (m == Mode.STOCK && run.status() == QueryRun.Status.TIMEOUT) {
        break;
      }
    }
    List<String> problems = new ArrayList<>();
    QueryRun reference = runs.get(Mode.H2);
    if (!reference.ok()) {
      problems.add("h2 (the reference) " + reference.status() + ": " + reference.error());
    }
    for (Mode m : Mode.values()) {
      if (m == Mode.H2) {
        continue;
      }
      QueryRun run = runs.get(m);
      if (run == null) {
        problems.add(m.label() + " not run: stock Calcite timed out");
      } else if (!run.ok()) {
        problems.add(m.label() + " " + run.status() + ": " + run.error());
      } else if (reference.ok()) {
        ResultComparison c = comparator.compare(reference.result(), run.result(), query.ordered());
        if (!c.equal()) {
          problems.add(m.label() + " differs from h2: " + c.description());
        }
      }
    }
    Outcome outcome = new Outcome(query, runs, List.copyOf(problems));
    observer.accept(outcome);
    return outcome;
  }

  /**
   * Fails unless all four modes returned equal results.
   *
   * @param outcome from {@link #run}
   * @param reproduction how to reproduce the query (e.g. the generator's seed), or empty
   */
  static void assertAgree(Outcome outcome, String reproduction) {
    if (outcome.agrees()) {
      return;
    }
    fail("FOUR-WAY CHECK FAILED for " + outcome.query().name()
        + (reproduction.isEmpty() ? "" : " (" + reproduction + ")") + ":\n  "
        + String.join("\n  ", outcome.problems()) + "\nper mode:" + outcome.summary()
        + "\nSQL:\n" + outcome.query().sql());
  }
}
