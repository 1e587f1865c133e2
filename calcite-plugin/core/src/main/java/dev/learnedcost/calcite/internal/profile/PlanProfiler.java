package dev.learnedcost.calcite.internal.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.Program;

/**
 * Inserts {@link ProfilingRel} wrappers above every Enumerable node of an optimized plan, so that
 * each execution reports per-operator rows and time to a listener.
 *
 * <p>Two ways in: {@link #instrument} on a plan you are about to implement (a Frameworks
 * pipeline, before {@code EnumerableInterpretable.toBindable}), or {@link #program} appended
 * after the standard program on the {@code jdbc:calcite:} path (for example through
 * {@code Hook.PROGRAM}). A node whose inputs are not Enumerable (the converter above a JDBC
 * fragment, an interpreter) is a leaf: a JDBC fragment pushed to the database is profiled as one
 * scan.
 */
public final class PlanProfiler {
  private PlanProfiler() {}

  /** An instrumented plan and the profile its executions report to. */
  public record Instrumented(RelNode rel, PlanProfile profile) {}

  /**
   * Wraps every Enumerable node of {@code root}.
   *
   * @param root an optimized plan whose root is Enumerable
   * @param listener receives the actuals after each execution, on the executing thread; it must
   *     not throw
   * @throws IllegalArgumentException if the root is not an Enumerable node
   */
  public static Instrumented instrument(RelNode root, Consumer<ExecutionActuals> listener) {
    Objects.requireNonNull(root, "root");
    if (!(root instanceof EnumerableRel)) {
      throw new IllegalArgumentException(
          "root must be an EnumerableRel (an optimized plan), got " + root.getClass().getName());
    }
    PlanProfile profile = new PlanProfile(listener);
    RelNode rel = wrap(root, profile);
    return new Instrumented(rel, profile);
  }

  /**
   * Returns a program that instruments the plan it is given, for use after the standard
   * program: {@code Programs.sequence(Programs.standard(), PlanProfiler.program(listener))}. A
   * plan that is not Enumerable passes through unchanged.
   */
  public static Program program(Consumer<ExecutionActuals> listener) {
    Objects.requireNonNull(listener, "listener");
    return programPerPlan(rel -> listener);
  }

  /**
   * {@link #program(Consumer)} with a listener chosen per plan, when the program runs (on the
   * planning thread): {@code listenerFor} receives the optimized plan before it is wrapped.
   */
  public static Program programPerPlan(Function<RelNode, Consumer<ExecutionActuals>> listenerFor) {
    Objects.requireNonNull(listenerFor, "listenerFor");
    return (planner, rel, traits, materializations, lattices) ->
        rel instanceof EnumerableRel && !(rel instanceof ProfilingRel)
            ? instrument(rel, listenerFor.apply(rel)).rel()
            : rel;
  }

  private static RelNode wrap(RelNode node, PlanProfile profile) {
    int index = profile.add(node);
    List<RelNode> inputs = node.getInputs();
    boolean allEnumerable = !inputs.isEmpty();
    for (RelNode input : inputs) {
      allEnumerable &= input instanceof EnumerableRel;
    }
    RelNode copy = node;
    if (allEnumerable) {
      List<RelNode> newInputs = new ArrayList<>(inputs.size());
      int[] childIndexes = new int[inputs.size()];
      for (int i = 0; i < inputs.size(); i++) {
        childIndexes[i] = profile.nodes().size();
        newInputs.add(wrap(inputs.get(i), profile));
      }
      profile.setChildren(index, childIndexes);
      copy = node.copy(node.getTraitSet(), newInputs);
    }
    return new ProfilingRel(node.getCluster(), node.getTraitSet(), copy, profile, index);
  }
}
