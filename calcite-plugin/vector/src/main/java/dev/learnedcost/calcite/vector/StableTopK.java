package dev.learnedcost.calcite.vector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best k rows by a {@code double} key, smallest first (or largest first), ties going to the
 * row offered first, as a stable sort would: a heap ordered worst first, O(n log k) time and
 * O(k) memory for n rows. Used by the runtimes of {@link Rerank} and {@link VectorTopK}.
 */
final class StableTopK {
  private final int sign;
  private final int k;
  private final PriorityQueue<Entry> heap;
  private long seq;

  StableTopK(int k, boolean ascending) {
    this.k = k;
    this.sign = ascending ? 1 : -1;
    this.heap = new PriorityQueue<>(k + 1, (a, b) -> {
      int c = Double.compare(sign * b.key, sign * a.key);
      return c != 0 ? c : Long.compare(b.seq, a.seq);
    });
  }

  /** Offers one row with its key; keeps it when it is among the best k so far. */
  void offer(Object[] row, double key) {
    long order = seq++;
    if (heap.size() == k && Double.compare(sign * key, sign * heap.peek().key) >= 0) {
      return;
    }
    heap.add(new Entry(row, key, order));
    if (heap.size() > k) {
      heap.poll();
    }
  }

  /** Returns the kept rows with their keys, best first. */
  List<Entry> best() {
    Entry[] best = heap.toArray(new Entry[0]);
    Arrays.sort(best, (a, b) -> {
      int c = Double.compare(sign * a.key, sign * b.key);
      return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    return new ArrayList<>(Arrays.asList(best));
  }

  /** A kept row and its key. */
  record Entry(Object[] row, double key, long seq) {}
}
