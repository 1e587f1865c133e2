package dev.learnedcost.calcite;

import java.util.Map;

/**
 * An immutable snapshot of a {@link LoraCostModel}'s counters.
 *
 * @param rowCountCalls calls of {@link LoraMdRowCount} methods that may correct (all modes)
 * @param costCalls calls of {@link LoraMdNonCumulativeCost#getNonCumulativeCost}
 * @param forwards forward passes of the adapter
 * @param rowCorrections row corrections handed to the planner (ON mode)
 * @param costCorrections cost corrections handed to the planner (ON mode)
 * @param shadowCorrections corrections computed but not applied (SHADOW mode)
 * @param trainSteps supervised training steps through {@link LoraCostModel#train}
 * @param fallbacks exceptions inside our handlers that fell back to the stock answer
 * @param fallbacksByKind the same, by exception class name (unmodifiable)
 */
public record LoraStats(
    long rowCountCalls,
    long costCalls,
    long forwards,
    long rowCorrections,
    long costCorrections,
    long shadowCorrections,
    long trainSteps,
    long fallbacks,
    Map<String, Long> fallbacksByKind) {
  /** Returns handler calls of both kinds. */
  public long handlerCalls() {
    return rowCountCalls + costCalls;
  }
}
