/**
 * The correctness suite: every built-in demo query and generated random joins return the same
 * rows in H2, stock Calcite, Calcite with the plugin in shadow mode and Calcite with a trained
 * model. Start with {@link dev.learnedcost.tests.correctness.FourWayCheck}, the comparison every
 * test goes through, then {@link dev.learnedcost.tests.correctness.CorrectnessFixture}.
 */
package dev.learnedcost.tests.correctness;
