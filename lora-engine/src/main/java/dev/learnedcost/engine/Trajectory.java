package dev.learnedcost.engine;

import java.util.Arrays;

/**
 * One recorded execution of an operator: the embedding it was planned with, its scope, and how
 * long it took against the baseline. Immutable: the embedding is copied in and out.
 *
 * @param embedding the cost embedding (a private copy; the accessor returns a copy)
 * @param opType operator scope id, 0..16
 * @param attentionType caller-defined variant tag, 0..255 (the reference's "attention type")
 * @param executionMs measured time in milliseconds, finite and >= 0
 * @param baselineMs baseline (predicted) time in milliseconds, finite and >= 0
 * @param improvement {@code baselineMs / executionMs - 1}, or 0 when {@code executionMs == 0}
 */
public record Trajectory(
    float[] embedding,
    int opType,
    int attentionType,
    float executionMs,
    float baselineMs,
    float improvement) {

  /** Validates and copies; {@code improvement} must be the value {@link #of} computes. */
  public Trajectory {
    embedding = Checks.allFinite("embedding", Checks.notNull("embedding", embedding).clone());
    Checks.opType(opType);
    Checks.attentionType(attentionType);
    Checks.nonNegativeFinite("executionMs", executionMs);
    Checks.nonNegativeFinite("baselineMs", baselineMs);
    float expected = improvementOf(executionMs, baselineMs);
    if (Float.compare(expected, improvement) != 0) {
      throw new IllegalArgumentException(
          "improvement must equal baselineMs / executionMs - 1 (" + expected + "), got "
              + improvement);
    }
  }

  /** Creates a trajectory, computing the improvement as the reference does. */
  public static Trajectory of(
      float[] embedding, int opType, int attentionType, float executionMs, float baselineMs) {
    return new Trajectory(
        embedding, opType, attentionType, executionMs, baselineMs,
        improvementOf(executionMs, baselineMs));
  }

  static float improvementOf(float executionMs, float baselineMs) {
    return executionMs > 0f ? baselineMs / executionMs - 1f : 0f;
  }

  /** Returns a copy of the embedding. */
  @Override
  public float[] embedding() {
    return embedding.clone();
  }

  /** Returns the embedding's length without copying it. */
  public int embeddingDim() {
    return embedding.length;
  }

  /** Returns one element of the embedding without copying it. */
  public float embeddingAt(int i) {
    return embedding[i];
  }

  /** Returns the operator scope. */
  public OperatorScope scope() {
    return OperatorScope.fromId(opType);
  }

  /** Returns the quality, {@code clamp((improvement + 1) / 2, 0, 1)}. */
  public float quality() {
    return Math.max(0f, Math.min(1f, (improvement + 1f) / 2f));
  }

  /** Returns whether the execution beat the baseline ({@code improvement > 0}). */
  public boolean isSuccess() {
    return improvement > 0f;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Trajectory t
        && opType == t.opType
        && attentionType == t.attentionType
        && Float.compare(executionMs, t.executionMs) == 0
        && Float.compare(baselineMs, t.baselineMs) == 0
        && Float.compare(improvement, t.improvement) == 0
        && Arrays.equals(embedding, t.embedding);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(embedding);
    h = 31 * h + opType;
    h = 31 * h + attentionType;
    h = 31 * h + Float.hashCode(executionMs);
    h = 31 * h + Float.hashCode(baselineMs);
    return h;
  }

  @Override
  public String toString() {
    return "Trajectory[" + scope().displayName() + ", attention=" + attentionType
        + ", executionMs=" + executionMs + ", baselineMs=" + baselineMs
        + ", improvement=" + improvement + ", dim=" + embedding.length + "]";
  }
}
