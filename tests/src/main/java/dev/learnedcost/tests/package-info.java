/**
 * Cross-module integration tests and JMH benchmarks.
 */
package dev.learnedcost.tests;
