/**
 * Internals of the H2 demo: table definitions, data generators, the bulk loader, the manifest
 * that makes a database reusable, SQL text scanning and value normalisation, and the demo's
 * runner and reports. Not API: anything
 * here may change without notice.
 *
 * <p>Start reading at {@link dev.learnedcost.examples.internal.DatabaseBuilder}, which turns a
 * list of {@link dev.learnedcost.examples.internal.TableSource}s into a loaded, indexed and
 * analysed database and records its {@link dev.learnedcost.examples.internal.ManifestStore
 * manifest} last.
 *
 * <p>The command-line demo ({@link dev.learnedcost.examples.Demo}) runs on
 * {@link dev.learnedcost.examples.internal.WorkloadRunner}: rounds of queries on
 * {@link dev.learnedcost.examples.run.EngineSession}s (H2, stock Calcite, learned Calcite),
 * results compared by {@link dev.learnedcost.examples.internal.CrossEngineCheck}, and printed or
 * written by {@link dev.learnedcost.examples.internal.ConsoleReport},
 * {@link dev.learnedcost.examples.internal.JsonReport} and
 * {@link dev.learnedcost.examples.internal.HtmlReport}.
 */
package dev.learnedcost.examples.internal;
