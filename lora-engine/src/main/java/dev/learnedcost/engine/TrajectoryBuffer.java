package dev.learnedcost.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A ring buffer of {@link Trajectory} records with running statistics of their improvement.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Ring: the newest {@code capacity} records are held; a full buffer overwrites its oldest
 *       record. {@link #size()}, {@link #highQualityCount}, {@link #countByOperator} and
 *       {@link #trajectories()} see only what is held.</li>
 *   <li>Statistics cover every record since construction or {@link #reset()}, including
 *       overwritten ones, as the reference: Welford's running mean and variance of the
 *       improvement (sample variance, {@code M2 / (n - 1)}), the best improvement (starting at 0,
 *       so it stays 0 while all are negative) with its attention type, and the success rate
 *       (improvement {@code > 0}), all in float with the reference's operation order.</li>
 *   <li>Cost: {@code record} is O(dim) for the embedding copy; the counts are O(size).</li>
 *   <li>Not thread-safe.</li>
 * </ul>
 */
public final class TrajectoryBuffer {
  /** Reference default capacity. */
  public static final int DEFAULT_CAPACITY = 1000;
  /** Reference default embedding dimension. */
  public static final int DEFAULT_EMBEDDING_DIM = 256;

  private final int capacity;
  private final int embeddingDim;
  private final Trajectory[] ring;
  private int size;
  private int writePos;
  private long totalCount;
  private float meanImprovement;
  private float m2;
  private float bestImprovement;
  private int bestAttention;
  private float successRate;

  /** Creates a buffer with the reference defaults (1000 records of dimension 256). */
  public TrajectoryBuffer() {
    this(DEFAULT_CAPACITY, DEFAULT_EMBEDDING_DIM);
  }

  /**
   * Creates a buffer.
   *
   * @param capacity records held, >= 1
   * @param embeddingDim length every recorded embedding must have, >= 1
   * @throws IllegalArgumentException if an argument is below 1
   */
  public TrajectoryBuffer(int capacity, int embeddingDim) {
    this.capacity = Checks.atLeastOne("capacity", capacity);
    this.embeddingDim = Checks.atLeastOne("embeddingDim", embeddingDim);
    this.ring = new Trajectory[capacity];
  }

  /** Returns the capacity. */
  public int capacity() {
    return capacity;
  }

  /** Returns the embedding dimension every record must have. */
  public int embeddingDim() {
    return embeddingDim;
  }

  /**
   * Records one execution; the embedding is copied.
   *
   * @param embedding length {@code embeddingDim}, all finite
   * @param opType operator id, 0..16
   * @param attentionType variant tag, 0..255
   * @param executionMs measured time, finite and >= 0
   * @param baselineMs baseline time, finite and >= 0
   * @throws IllegalArgumentException on any invalid argument (nothing is recorded)
   */
  public void record(
      float[] embedding, int opType, int attentionType, float executionMs, float baselineMs) {
    Checks.length("embedding", embedding, embeddingDim, "embeddingDim");
    add(Trajectory.of(embedding, opType, attentionType, executionMs, baselineMs));
  }

  /**
   * Records an existing trajectory (for example one replayed from another buffer).
   *
   * @throws IllegalArgumentException if its embedding length is not {@code embeddingDim}
   */
  public void record(Trajectory trajectory) {
    Checks.notNull("trajectory", trajectory);
    if (trajectory.embeddingDim() != embeddingDim) {
      throw new IllegalArgumentException(
          "embedding length must equal embeddingDim (" + embeddingDim + "), got "
              + trajectory.embeddingDim());
    }
    add(trajectory);
  }

  private void add(Trajectory t) {
    updateStats(t);
    ring[writePos] = t;
    if (size < capacity) {
      size++;
    }
    writePos = (writePos + 1) % capacity;
    totalCount++;
  }

  private void updateStats(Trajectory t) {
    float n = (float) totalCount;
    float newN = n + 1f;
    float imp = t.improvement();
    float delta = imp - meanImprovement;
    meanImprovement += delta / newN;
    float delta2 = imp - meanImprovement;
    m2 += delta * delta2;
    if (imp > bestImprovement) {
      bestImprovement = imp;
      bestAttention = t.attentionType();
    }
    float successes = successRate * n;
    float newSuccesses = t.isSuccess() ? successes + 1f : successes;
    successRate = newSuccesses / newN;
  }

  /** Returns the records made since construction or {@link #reset()}, held or overwritten. */
  public long totalCount() {
    return totalCount;
  }

  /** Returns the number of records held (the reference's {@code len}), at most the capacity. */
  public int size() {
    return size;
  }

  /** Returns whether no record is held. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Returns the running mean improvement over all records since the last reset. */
  public float meanImprovement() {
    return meanImprovement;
  }

  /** Returns the best improvement since the last reset; 0 if none was positive. */
  public float bestImprovement() {
    return bestImprovement;
  }

  /** Returns the fraction of records since the last reset with a positive improvement. */
  public float successRate() {
    return successRate;
  }

  /** Returns the attention type of the best improvement (0 if none was positive). */
  public int bestAttention() {
    return bestAttention;
  }

  /** Returns the sample variance of the improvement; 0 with fewer than two records. */
  public float variance() {
    return totalCount > 1 ? m2 / (float) (totalCount - 1) : 0f;
  }

  /** Clears the records and the statistics. */
  public void reset() {
    java.util.Arrays.fill(ring, null);
    size = 0;
    writePos = 0;
    totalCount = 0;
    meanImprovement = 0f;
    m2 = 0f;
    bestImprovement = 0f;
    bestAttention = 0;
    successRate = 0f;
  }

  /**
   * Returns how many held records have a quality above {@code threshold}.
   *
   * @throws IllegalArgumentException if {@code threshold} is NaN
   */
  public int highQualityCount(float threshold) {
    if (Float.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN, got NaN");
    }
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (ring[i].quality() > threshold) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns how many held records have the given operator id.
   *
   * @throws IllegalArgumentException if {@code opType} is outside 0..16
   */
  public int countByOperator(int opType) {
    Checks.opType(opType);
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (ring[i].opType() == opType) {
        count++;
      }
    }
    return count;
  }

  /** {@link #countByOperator(int)} for a scope. */
  public int countByOperator(OperatorScope scope) {
    return countByOperator(scope.id());
  }

  /** Returns the held records, oldest first, as an unmodifiable snapshot. */
  public List<Trajectory> trajectories() {
    List<Trajectory> out = new ArrayList<>(size);
    int start = size < capacity ? 0 : writePos;
    for (int k = 0; k < size; k++) {
      out.add(ring[(start + k) % capacity]);
    }
    return Collections.unmodifiableList(out);
  }
}
