package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eight planner threads forward while one learner trains: every output is exactly the output of
 * some published version of the model (never a mix of old and new weights, never a torn blend
 * decision), no call throws, and the forward counts equal the calls made.
 *
 * <p>The learner applies each update first to a private shadow copy, records the shadow's exact
 * outputs for every probe (operator, input) as valid, and only then applies the same update to
 * the shared model, so the valid set always holds every version a reader can observe.
 */
class ScopedLoRAConcurrencyTest {
  private static final long SEED = 20261126L;
  private static final int READERS = 8;
  private static final int DIM = 32;
  private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(2500);
  private static final int MIN_UPDATES = 300;
  private static final int MAX_UPDATES = 20_000;
  /** SeqScan and HashJoin train often; HnswScan rarely (so it keeps blending); IndexScan never. */
  private static final int[] PROBE_OPS = {0, 1, 2, 5};
  private static final int PROBE_INPUTS = 4;

  /** A float vector compared by value. */
  private record Output(float[] v) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Output other && Arrays.equals(v, other.v);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(v);
    }

    @Override
    public String toString() {
      return Arrays.toString(v);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void forwardWhileTraining_everyOutputIsAPublishedVersion_andCountsAreExact()
      throws InterruptedException {
    ScopedLoRA shared = new ScopedLoRA(DIM, 0.5f, 0.05f);
    ScopedLoRA shadow = new ScopedLoRA(DIM, 0.5f, 0.05f);
    SplittableRandom rnd = new SplittableRandom(SEED);
    float[][] probes = new float[PROBE_INPUTS][];
    for (int p = 0; p < PROBE_INPUTS; p++) {
      probes[p] = SnapshotModels.vector(rnd, DIM);
    }
    Map<Integer, Set<Output>> valid = new ConcurrentHashMap<>();
    recordOutputs(shadow, probes, valid);

    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong readerCalls = new AtomicLong();
    LongAdder[] callsPerOp = new LongAdder[OperatorScope.COUNT];
    for (int op = 0; op < callsPerOp.length; op++) {
      callsPerOp[op] = new LongAdder();
    }
    Set<Output> seenSeqScan = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      long readerSeed = SEED + r;
      Thread t = new Thread(() -> {
        SplittableRandom rr = new SplittableRandom(readerSeed);
        float[] out = new float[DIM];
        try {
          go.await();
          while (!stop.get()) {
            int op = PROBE_OPS[rr.nextInt(PROBE_OPS.length)];
            int p = rr.nextInt(PROBE_INPUTS);
            float[] y;
            if (rr.nextBoolean()) {
              shared.forwardInto(op, probes[p], out);
              y = out.clone();
            } else {
              y = shared.forwardArray(op, probes[p]);
            }
            callsPerOp[op].increment();
            readerCalls.incrementAndGet();
            Output o = new Output(y);
            if (!valid.get(key(op, p)).contains(o)) {
              failures.add("reader " + readerSeed + ": op " + op + " probe " + p
                  + " output of no published version: " + o);
              return;
            }
            if (op == 0 && p == 0 && seenSeqScan.size() < 1000) {
              seenSeqScan.add(o);
            }
          }
        } catch (Throwable e) {
          failures.add("reader " + readerSeed + " threw " + e);
        }
      }, "reader-" + r);
      readers.add(t);
      t.start();
    }

    go.countDown();
    long deadline = System.nanoTime() + RUN_NANOS;
    int updates = 0;
    try {
      // At least RUN_NANOS and MIN_UPDATES (a loaded machine takes longer; @Timeout bounds it).
      while ((System.nanoTime() < deadline || updates < MIN_UPDATES) && updates < MAX_UPDATES
          && failures.isEmpty()) {
        Update u = Update.random(rnd);
        u.apply(shadow);
        recordOutputs(shadow, probes, valid);
        u.apply(shared);
        updates++;
        // Let the readers run between versions, without sleeping: wait for their progress.
        long target = readerCalls.get() + 16;
        while (readerCalls.get() < target && failures.isEmpty()) {
          Thread.yield();
        }
      }
    } finally {
      stop.set(true);
      for (Thread t : readers) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
    }

    assertThat(failures).as("seed %d", SEED).isEmpty();
    assertThat(updates).as("learner updates").isGreaterThanOrEqualTo(MIN_UPDATES);
    assertThat(seenSeqScan.size()).as("distinct SeqScan outputs readers saw").isGreaterThan(10);
    long total = 0;
    for (int op = 0; op < OperatorScope.COUNT; op++) {
      assertThat(shared.forwardCount(op)).as("forward count of op %d", op)
          .isEqualTo(callsPerOp[op].sum());
      total += callsPerOp[op].sum();
    }
    assertThat(shared.totalForwardCount()).isEqualTo(total).isEqualTo(readerCalls.get());
    for (int op = 0; op < OperatorScope.COUNT; op++) {
      assertThat(shared.adaptCount(op)).isEqualTo(shadow.adaptCount(op));
      assertThat(EngineState.of(shared.operatorPair(op)))
          .isEqualTo(EngineState.of(shadow.operatorPair(op)));
    }
  }

  /** One learner update, replayable on two models. */
  private record Update(int kind, int op, float[] x, float[] v) {
    static Update random(SplittableRandom rnd) {
      int roll = rnd.nextInt(100);
      int op = roll < 2 ? 2 : (roll % 2 == 0 ? 0 : 5);
      int kind = rnd.nextInt(20) == 0 ? 3 : rnd.nextInt(3);
      return new Update(kind, op, SnapshotModels.vector(rnd, DIM),
          SnapshotModels.vector(rnd, DIM));
    }

    void apply(ScopedLoRA s) {
      switch (kind) {
        case 0 -> s.adaptArray(op, v);
        case 1 -> s.trainTargets(op, x, new int[] {0, 1}, new float[] {v[0], v[1]});
        case 2 -> s.trainStep(op, x, v);
        default -> s.setCategoryFallback(!s.categoryFallback());
      }
    }
  }

  private static int key(int op, int probe) {
    return op * 100 + probe;
  }

  private static void recordOutputs(ScopedLoRA s, float[][] probes, Map<Integer, Set<Output>> valid) {
    for (int op : PROBE_OPS) {
      for (int p = 0; p < probes.length; p++) {
        valid.computeIfAbsent(key(op, p), k -> ConcurrentHashMap.newKeySet())
            .add(new Output(s.forwardArray(op, probes[p])));
      }
    }
  }
}
