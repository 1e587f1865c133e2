/**
 * The H2 demo: generated data, SQL files and a command-line runner.
 */
package dev.learnedcost.examples;
