/**
 * JMH benchmarks. Build and run one (from the repository root):
 *
 * <pre>
 * mvn -q -pl tests -am package -DskipTests &amp;&amp; java -jar tests/target/benchmarks.jar NAME
 * </pre>
 *
 * <p>Every benchmark carries its scalar or stock baseline as a {@code @Param} beside ours, so each
 * result is a ratio measured in one run.
 */
package dev.learnedcost.tests.bench;
