/**
 * sqlline as the real client of a learning connection: start reading at
 * {@link dev.learnedcost.tests.sqlline.SqllineSession}.
 */
package dev.learnedcost.tests.sqlline;
