/**
 * Not API. Learning from executed plans: the learner's queue and thread
 * ({@link dev.learnedcost.calcite.internal.learn.Learner}) and the training targets, replay and
 * statistics ({@link dev.learnedcost.calcite.internal.learn.Trainer}, start here).
 */
package dev.learnedcost.calcite.internal.learn;
