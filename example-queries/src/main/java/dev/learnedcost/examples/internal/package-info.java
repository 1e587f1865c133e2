/**
 * Internals of the H2 demo: table definitions, data generators, the bulk loader, the manifest
 * that makes a database reusable, SQL text scanning and value normalisation. Not API: anything
 * here may change without notice.
 *
 * <p>Start reading at {@link dev.learnedcost.examples.internal.DatabaseBuilder}, which turns a
 * list of {@link dev.learnedcost.examples.internal.TableSource}s into a loaded, indexed and
 * analysed database and records its {@link dev.learnedcost.examples.internal.ManifestStore
 * manifest} last.
 */
package dev.learnedcost.examples.internal;
