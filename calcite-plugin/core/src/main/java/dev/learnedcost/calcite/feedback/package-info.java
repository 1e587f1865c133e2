/**
 * Learning from every executed query: per-operator actuals against the planner's estimates,
 * trajectories, and training after each query. Start at
 * {@link dev.learnedcost.calcite.feedback.FeedbackLoop}.
 */
package dev.learnedcost.calcite.feedback;
