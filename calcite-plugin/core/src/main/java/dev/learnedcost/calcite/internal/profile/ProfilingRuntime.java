package dev.learnedcost.calcite.internal.profile;

import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function0;

/**
 * Called from the code Calcite generates for a profiled plan (hence public): wraps a node's
 * enumerable so that its rows and time are counted. Not for direct use.
 */
public final class ProfilingRuntime {
  private ProfilingRuntime() {}

  /**
   * Returns an enumerable that builds the node's own enumerable lazily (inside the timed
   * region) and counts what its enumerators produce.
   *
   * @param profile the plan's profile
   * @param node the node's index in the profile
   * @param child builds the node's enumerable
   */
  public static <T> Enumerable<T> wrap(PlanProfile profile, int node, Function0<Enumerable<T>> child) {
    return new ProfiledEnumerable<>(profile, node, child);
  }

  private static final class ProfiledEnumerable<T> extends AbstractEnumerable<T> {
    private final PlanProfile profile;
    private final int node;
    private final Function0<Enumerable<T>> supplier;
    private Enumerable<T> built;

    ProfiledEnumerable(PlanProfile profile, int node, Function0<Enumerable<T>> supplier) {
      this.profile = profile;
      this.node = node;
      this.supplier = supplier;
    }

    @Override
    public Enumerator<T> enumerator() {
      PlanProfile.Execution e = node == 0 ? profile.begin() : profile.current();
      long t0 = System.nanoTime();
      if (built == null) {
        built = supplier.apply();
      }
      Enumerator<T> inner = built.enumerator();
      e.otherNanos[node] += System.nanoTime() - t0;
      e.opens[node]++;
      return new ProfiledEnumerator<>(profile, e, node, inner);
    }
  }

  private static final class ProfiledEnumerator<T> implements Enumerator<T> {
    private final PlanProfile profile;
    private final PlanProfile.Execution e;
    private final int node;
    private final Enumerator<T> inner;
    private boolean exhausted;

    ProfiledEnumerator(PlanProfile profile, PlanProfile.Execution e, int node, Enumerator<T> inner) {
      this.profile = profile;
      this.e = e;
      this.node = node;
      this.inner = inner;
    }

    /**
     * Timed like {@link #moveNext}: Calcite's generated {@code EnumerableCalc} evaluates its
     * projections in {@code current()}, so untimed, a projection's work (a vector distance: 127
     * of 129 ms of an exact kNN over 20,000 rows) was charged to the consumer's self time.
     */
    @Override
    public T current() {
      long call = ++e.currentCalls[node];
      if (call <= PlanProfile.EXACT_CALLS) {
        long t0 = System.nanoTime();
        T v = inner.current();
        e.exactNanos[node] += System.nanoTime() - t0;
        return v;
      }
      if (call % PlanProfile.SAMPLE_EVERY == 0) {
        long t0 = System.nanoTime();
        T v = inner.current();
        e.sampledNanos[node] += System.nanoTime() - t0;
        e.sampledCalls[node]++;
        return v;
      }
      e.untimedCalls[node]++;
      return inner.current();
    }

    @Override
    public boolean moveNext() {
      long call = ++e.calls[node];
      boolean more;
      if (call <= PlanProfile.EXACT_CALLS) {
        long t0 = System.nanoTime();
        more = inner.moveNext();
        e.exactNanos[node] += System.nanoTime() - t0;
      } else if (call % PlanProfile.SAMPLE_EVERY == 0) {
        long t0 = System.nanoTime();
        more = inner.moveNext();
        e.sampledNanos[node] += System.nanoTime() - t0;
        e.sampledCalls[node]++;
      } else {
        more = inner.moveNext();
        e.untimedCalls[node]++;
      }
      if (more) {
        e.rows[node]++;
      } else if (!exhausted) {
        exhausted = true;
        e.exhaustedOpens[node]++;
        if (node == 0) {
          profile.finish(e, true);
        }
      }
      return more;
    }

    @Override
    public void reset() {
      inner.reset();
    }

    @Override
    public void close() {
      long t0 = System.nanoTime();
      inner.close();
      e.otherNanos[node] += System.nanoTime() - t0;
      if (node == 0) {
        profile.finish(e, exhausted);
      }
    }
  }
}
