package dev.learnedcost.calcite.internal.learn;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of learning tasks and the one thread that runs them, off the queries' path.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>The executing thread only offers a task (a few hundred nanoseconds); a full queue drops
 *       it and counts it, so a query never waits for learning.</li>
 *   <li>One daemon thread, started with the first task (a runtime used only for planning has
 *       none), runs the tasks in order, so the model changes on one thread only.</li>
 *   <li>Synchronous mode runs each task on the offering thread instead (tests, tools).</li>
 *   <li>{@link #close} stops accepting, lets the thread finish what is queued (up to a timeout,
 *       then interrupts it) and joins it; closing twice does nothing.</li>
 *   <li>A task that throws is counted and the first failure logged; the thread goes on.</li>
 * </ul>
 */
public final class Learner {
  private static final Logger LOG = LoggerFactory.getLogger(Learner.class);

  private final BlockingQueue<Runnable> queue;
  private final boolean synchronous;
  private final String threadName;
  private final LongAdder received = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Object progress = new Object();
  private long processed;
  private @Nullable Thread thread;
  private volatile boolean closed;

  /**
   * Creates a learner.
   *
   * @param capacity tasks that may wait
   * @param synchronous run tasks on the offering thread
   * @param threadName the learner thread's name
   */
  public Learner(int capacity, boolean synchronous, String threadName) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.synchronous = synchronous;
    this.threadName = threadName;
  }

  /**
   * Queues a task (or runs it, when synchronous).
   *
   * @return false if it was dropped: the queue was full or the learner closed
   */
  public boolean offer(Runnable task) {
    received.increment();
    if (closed) {
      dropped.increment();
      return false;
    }
    if (synchronous) {
      run(task);
      return true;
    }
    startIfNeeded();
    if (!queue.offer(task)) {
      dropped.increment();
      return false;
    }
    return true;
  }

  private synchronized void startIfNeeded() {
    if (thread == null && !closed) {
      Thread t = new Thread(this::loop, threadName);
      t.setDaemon(true);
      t.start();
      thread = t;
    }
  }

  private void loop() {
    while (!closed || !queue.isEmpty()) {
      Runnable task;
      try {
        task = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (task != null) {
        run(task);
      }
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      failed.increment();
      if (failed.sum() == 1) {
        LOG.warn("learning from an execution failed; the model is unchanged by it (further"
            + " failures are counted, not logged)", e);
      }
    } finally {
      synchronized (progress) {
        processed++;
        progress.notifyAll();
      }
    }
  }

  /**
   * Waits until every task received so far has run or was dropped, or the timeout passes.
   *
   * @return true if the learner caught up
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (processed + dropped.sum() < received.sum()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return true;
    }
  }

  /**
   * Stops accepting tasks, lets the thread run what is queued for up to {@code drainTimeout},
   * then interrupts it; returns once it ended. Tasks still queued then are dropped and counted.
   *
   * @return true if the queue drained within the timeout
   */
  public boolean close(Duration drainTimeout) {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    boolean drained = true;
    if (t != null) {
      boolean interrupted = false;
      try {
        t.join(Math.max(1, drainTimeout.toMillis()));
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (t.isAlive()) {
        drained = false;
        t.interrupt();
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    int left = queue.size();
    if (left > 0) {
      queue.clear();
      dropped.add(left);
      synchronized (progress) {
        progress.notifyAll();
      }
    }
    return drained && left == 0;
  }

  /** Returns whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Returns {@code [received, processed, dropped, failed]}. */
  public long[] counters() {
    long done;
    synchronized (progress) {
      done = processed;
    }
    return new long[] {received.sum(), done, dropped.sum(), failed.sum()};
  }

  /** Returns the processed count (for save scheduling). */
  public long processed() {
    synchronized (progress) {
      return processed;
    }
  }
}
