/**
 * Support for plans that push fragments to a database through Calcite's JDBC adapter. Start at
 * {@link dev.learnedcost.calcite.internal.jdbc.JdbcScanClassifier}.
 */
package dev.learnedcost.calcite.internal.jdbc;
