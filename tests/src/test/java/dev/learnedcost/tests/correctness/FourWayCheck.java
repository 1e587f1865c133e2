package dev.learnedcost.tests.correctness;

import static org.junit.jupiter.api.Assertions.fail;

import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultComparison;
import dev.learnedcost.examples.run.QueryRun;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
   * @param runs one run per mode that ran (all four, unless a sequential check stopped after a
   *     stock timeout), in {@link Mode} order
   * @param problems one line per disagreement: a mode that failed, timed out or returned other
   *     rows than H2; empty when all four agree
   */
  record Outcome(Query query, Map<Mode, QueryRun> runs, List<String> problems) {
    boolean agrees() {
      return problems.isEmpty();
    }

    /**
     * Whether stock Calcite timed out: the query then says nothing about the plugin (it tests
     * Calcite's planner). A check that runs the modes one after the other does not run the
     * plugin's modes then, rather than wait for two more timeouts.
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
  private final boolean concurrent;
  private final ResultComparator comparator = new ResultComparator();

  /**
   * Runs the modes of one query side by side. Each mode has its own session, connection, worker
   * thread and model, so they share nothing but the H2 database; on a 2-core CI machine this
   * nearly halves the suite's time, as three of the four modes spend it planning in Calcite.
   */
  private static final ExecutorService MODES = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "four-way-check");
    t.setDaemon(true);
    return t;
  });

  /**
   * Creates a check.
   *
   * @param runners a runner for every mode
   * @param observer sees every outcome (the suite's tally)
   * @param concurrent run the four modes of a query at the same time, rather than one after the
   *     other
   * @throws IllegalArgumentException if a mode has no runner
   */
  FourWayCheck(Map<Mode, ModeRunner> runners, Consumer<Outcome> observer, boolean concurrent) {
    for (Mode m : Mode.values()) {
      if (!runners.containsKey(m)) {
        throw new IllegalArgumentException("runners must cover every mode, missing " + m);
      }
    }
    this.runners = new EnumMap<>(runners);
    this.observer = Objects.requireNonNull(observer, "observer");
    this.concurrent = concurrent;
  }

  /**
   * Returns a check that runs {@code mode} with {@code runner} and the others as this one, but
   * one mode after the other (a fault planted through a global Calcite hook must reach only the
   * mode it is meant for), and whose outcomes nobody observes (planted faults stay out of the
   * suite's tally).
   */
  FourWayCheck with(Mode mode, ModeRunner runner) {
    Map<Mode, ModeRunner> copy = new EnumMap<>(runners);
    copy.put(mode, Objects.requireNonNull(runner, "runner"));
    return new FourWayCheck(copy, outcome -> { }, false);
  }

  /**
   * Runs {@code query} in every mode and compares each result with H2's. One mode after the
   * other, the plugin's modes are not run when stock Calcite timed out (see
   * {@link Outcome#stockTimedOut()}); concurrently, they run anyway.
   */
  Outcome run(Query query) {
    return run(query, true);
  }

  /**
   * Runs {@code query} as {@link #run(Query)} does, or, when {@code h2Reference} is false (a query
   * H2 cannot run, such as a TPC-DS template with {@code FULL OUTER JOIN}), in the three Calcite
   * modes only, with stock Calcite's result as the reference.
   */
  Outcome run(Query query, boolean h2Reference) {
    List<Mode> modes = java.util.Arrays.stream(Mode.values())
        .filter(m -> h2Reference || m != Mode.H2).toList();
    Mode referenceMode = h2Reference ? Mode.H2 : Mode.STOCK;
    Map<Mode, QueryRun> runs = new EnumMap<>(Mode.class);
    if (concurrent) {
      Map<Mode, Future<QueryRun>> pending = new EnumMap<>(Mode.class);
      for (Mode m : modes) {
        pending.put(m, MODES.submit(() -> runners.get(m).run(query)));
      }
      for (Mode m : modes) {
        runs.put(m, await(pending.get(m), m));
      }
    } else {
      for (Mode m : modes) {
        QueryRun run = runners.get(m).run(query);
        runs.put(m, run);
        if (m == Mode.STOCK && run.status() == QueryRun.Status.TIMEOUT) {
          break;
        }
      }
    }
    List<String> problems = new ArrayList<>();
    QueryRun reference = runs.get(referenceMode);
    if (!reference.ok()) {
      problems.add(referenceMode.label() + " (the reference) " + reference.status() + ": "
          + reference.error());
    }
    for (Mode m : modes) {
      if (m == referenceMode) {
        continue;
      }
      QueryRun run = runs.get(m);
      if (run == null) {
        problems.add(m.label() + " not run: stock Calcite timed out");
      } else if (!run.ok()) {
        problems.add(m.label() + " " + run.status() + ": " + run.error());
      } else if (reference.ok()) {
        ResultComparison c = comparator.compare(reference.result(), run.result(), query);
        if (!c.equal()) {
          problems.add(m.label() + " differs from " + referenceMode.label() + ": "
              + c.description());
        }
      }
    }
    Outcome outcome = new Outcome(query, runs, List.copyOf(problems));
    observer.accept(outcome);
    return outcome;
  }

  private static QueryRun await(Future<QueryRun> future, Mode mode) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + mode.label(), e);
    } catch (ExecutionException e) {
      // Runners report failures in their QueryRun; an exception here is a defect of the suite.
      throw new IllegalStateException(mode.label() + " runner threw", e.getCause());
    }
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
