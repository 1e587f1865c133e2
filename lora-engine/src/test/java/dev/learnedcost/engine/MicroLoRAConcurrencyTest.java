package dev.learnedcost.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MicroLoRA} under eight readers and one learner: every output is exactly the output of a
 * published version and the forward count equals the calls made. Same method as
 * {@link ScopedLoRAConcurrencyTest}: a shadow copy receives each update first and its outputs
 * are recorded as valid before the shared model is updated.
 */
class MicroLoRAConcurrencyTest {
  private static final long SEED = 20261128L;
  private static final int READERS = 8;
  private static final int DIM = 24;
  private static final int UPDATES = 400;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void forwardWhileTraining_everyOutputIsAPublishedVersion_andCountIsExact()
      throws InterruptedException {
    MicroLoRA shared = new MicroLoRA(DIM, 0.5f, 0.05f);
    MicroLoRA shadow = new MicroLoRA(DIM, 0.5f, 0.05f);
    SplittableRandom rnd = new SplittableRandom(SEED);
    float[] probe = SnapshotModels.vector(rnd, DIM);
    Set<String> valid = ConcurrentHashMap.newKeySet();
    valid.add(Arrays.toString(shadow.forwardArray(probe)));
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong calls = new AtomicLong();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          while (!stop.get()) {
            String y = Arrays.toString(shared.forwardArray(probe));
            calls.incrementAndGet();
            if (!valid.contains(y)) {
              failures.add("output of no published version: " + y);
              return;
            }
            seen.add(y);
          }
        } catch (Throwable e) {
          failures.add(Thread.currentThread().getName() + " threw " + e);
        }
      }, "reader-" + r);
      readers.add(t);
      t.start();
    }
    go.countDown();
    try {
      for (int u = 0; u < UPDATES && failures.isEmpty(); u++) {
        float[] x = SnapshotModels.vector(rnd, DIM);
        float[] g = SnapshotModels.vector(rnd, DIM);
        boolean reference = u % 2 == 0;
        if (reference) {
          shadow.adaptArray(g);
        } else {
          shadow.trainStep(x, g);
        }
        valid.add(Arrays.toString(shadow.forwardArray(probe)));
        if (reference) {
          shared.adaptArray(g);
        } else {
          shared.trainStep(x, g);
        }
        // Let the readers run between versions, without sleeping: wait for their progress.
        long target = calls.get() + 16;
        while (calls.get() < target && failures.isEmpty()) {
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
    assertThat(seen.size()).as("distinct outputs readers saw").isGreaterThan(10);
    assertThat(shared.forwardCount()).isEqualTo(calls.get());
    assertThat(shared.adaptCount()).isEqualTo(shadow.adaptCount()).isEqualTo(UPDATES);
    assertThat(EngineState.of(shared.pair())).isEqualTo(EngineState.of(shadow.pair()));
  }
}
