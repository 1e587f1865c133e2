package dev.learnedcost.calcite.internal.learn;

import dev.learnedcost.engine.OperatorScope;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Writes and reads the per-scope {@link ScopeStatistics} inside the learned-state file.
 *
 * <h2>Format (big-endian), once per scope in id order</h2>
 * <pre>
 * long    observations; double stockSum, learnedSum
 * window  stock errors, learned errors (int size 0..ERROR_WINDOW, then size doubles, oldest first)
 * long    costCount; double stockCostSum, learnedCostSum
 * long    trajectoryCount; double improvementSum; long successes
 * </pre>
 */
public final class StatisticsCodec {
  private StatisticsCodec() {}

  /** Writes one entry per scope. */
  public static void write(ScopeStatistics[] all, DataOutput out) throws IOException {
    for (ScopeStatistics s : all) {
      synchronized (s) {
        out.writeLong(s.observations);
        out.writeDouble(s.stockSum);
        out.writeDouble(s.learnedSum);
        s.stockWindow.writeTo(out);
        s.learnedWindow.writeTo(out);
        out.writeLong(s.costCount);
        out.writeDouble(s.stockCostSum);
        out.writeDouble(s.learnedCostSum);
        out.writeLong(s.trajectoryCount);
        out.writeDouble(s.improvementSum);
        out.writeLong(s.successes);
      }
    }
  }

  /**
   * Reads one entry per scope.
   *
   * @throws IOException naming the scope and the value out of range
   */
  public static ScopeStatistics[] read(DataInput in) throws IOException {
    ScopeStatistics[] all = Trainer.newStatistics();
    for (OperatorScope scope : OperatorScope.values()) {
      ScopeStatistics s = all[scope.id()];
      String where = "statistics of " + scope.displayName() + ": ";
      s.observations = count(in.readLong(), where + "observations");
      s.stockSum = finite(in.readDouble(), where + "stockSum");
      s.learnedSum = finite(in.readDouble(), where + "learnedSum");
      s.stockWindow.readFrom(in, ScopeStatistics.ERROR_WINDOW, where + "stock errors");
      s.learnedWindow.readFrom(in, ScopeStatistics.ERROR_WINDOW, where + "learned errors");
      s.costCount = count(in.readLong(), where + "costCount");
      s.stockCostSum = finite(in.readDouble(), where + "stockCostSum");
      s.learnedCostSum = finite(in.readDouble(), where + "learnedCostSum");
      s.trajectoryCount = count(in.readLong(), where + "trajectoryCount");
      s.improvementSum = finite(in.readDouble(), where + "improvementSum");
      s.successes = count(in.readLong(), where + "successes");
    }
    return all;
  }

  private static long count(long v, String what) throws IOException {
    if (v < 0) {
      throw new IOException(what + " must be >= 0, got " + v);
    }
    return v;
  }

  private static double finite(double v, String what) throws IOException {
    if (!Double.isFinite(v)) {
      throw new IOException(what + " must be finite, got " + v);
    }
    return v;
  }
}
