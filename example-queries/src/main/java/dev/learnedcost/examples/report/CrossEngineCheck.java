package dev.learnedcost.examples.report;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import dev.learnedcost.examples.Query;
import dev.learnedcost.examples.ResultComparator;
import dev.learnedcost.examples.ResultComparison;
import dev.learnedcost.examples.ResultTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one query's results across engines: the first engine in {@link Engine} order that
 * returned a result is the reference (H2 when it ran), every other result is compared with it by
 * {@link ResultComparator} (order-sensitive only for a top-level {@code ORDER BY}, approximate
 * numbers within relative 1e-9).
 */
public final class CrossEngineCheck {
  private final ResultComparator comparator;

  /** Creates a check with the default comparator. */
  public CrossEngineCheck() {
    this(new ResultComparator());
  }

  /** Creates a check with {@code comparator}. */
  public CrossEngineCheck(ResultComparator comparator) {
    this.comparator = Objects.requireNonNull(comparator, "comparator");
  }

  /**
   * One engine's result that differs from the reference.
   *
   * @param reference the engine whose result is the reference
   * @param engine the engine whose result differs
   * @param description the comparator's description of the first difference
   */
  public record Mismatch(Engine reference, Engine engine, String description) {
    @Override
    public String toString() {
      return engine.label() + " differs from " + reference.label() + ": " + description;
    }
  }

  /**
   * Compares the successful runs of one query.
   *
   * @param runs one run per engine that executed the query
   * @param query the query they ran: whether row order is part of the answer, and which rows
   *     tie under its {@code ORDER BY} (see {@link ResultComparator#compare(ResultTable,
   *     ResultTable, Query)})
   * @return the mismatches, empty if every result equals the reference or fewer than two
   *     engines returned one
   */
  public List<Mismatch> compare(Map<Engine, QueryRun> runs, Query query) {
    Engine reference = null;
    List<Mismatch> out = new ArrayList<>();
    for (Engine e : Engine.values()) {
      QueryRun run = runs.get(e);
      if (run == null || !run.ok()) {
        continue;
      }
      if (reference == null) {
        reference = e;
        continue;
      }
      ResultComparison c = comparator.compare(runs.get(reference).result(), run.result(), query);
      if (!c.equal()) {
        out.add(new Mismatch(reference, e, c.description()));
      }
    }
    return out;
  }
}
