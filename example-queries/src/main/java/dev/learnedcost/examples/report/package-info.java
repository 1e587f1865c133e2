/**
 * The demo's results and reports, shared by every engine's demo (Calcite's in
 * {@link dev.learnedcost.examples.Demo}, Flink's in the {@code example-queries/flink} module):
 * one {@link dev.learnedcost.examples.report.RoundResult} per round, results compared across
 * engines by {@link dev.learnedcost.examples.report.CrossEngineCheck}, totals in
 * {@link dev.learnedcost.examples.report.RunSummary}, printed by
 * {@link dev.learnedcost.examples.report.ConsoleReport} and written by
 * {@link dev.learnedcost.examples.report.JsonReport} and
 * {@link dev.learnedcost.examples.report.HtmlReport}. Calcite-free: the Flink demo, whose class
 * path holds Flink's Calcite 1.36, uses them too.
 */
package dev.learnedcost.examples.report;
