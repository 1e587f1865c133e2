package dev.learnedcost.calcite.internal.guard;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Writes and reads the {@link RegressionGuard}'s per-query history inside the learned-state file.
 * The guard's settings are not written: they come from the runtime's configuration.
 *
 * <h2>Format (big-endian)</h2>
 * <pre>
 * int     entries n (0..RegressionGuard.MAX_FINGERPRINTS), then per entry:
 * UTF     fingerprint, shape
 * long    planned, stockRuns, learnedRuns
 * double  lastStockMs, lastLearnedMs
 * long    stockPlan, learnedPlan
 * boolean guarded
 * int     fallbacks
 * int     m (0..1024), m doubles: the model state at the fallback
 * window  stock latencies, learned latencies (int size 0..64, then size doubles, oldest first)
 * long    stockPreparations            (history version 2 and later)
 * window  stock preparation times      (history version 2 and later)
 * </pre>
 * Version 1 (state files of format 1) has no preparation times; those entries start with none.
 */
public final class GuardCodec {
  /** The history layout written now. */
  public static final int VERSION = 2;
  /** The longest window a file may hold (the configured windows are 1..64). */
  private static final int MAX_WINDOW = 64;

  private GuardCodec() {}

  /** Writes every entry of {@code guard}. */
  public static void write(RegressionGuard guard, DataOutput out) throws IOException {
    List<GuardEntry> list = guard.entries();
    out.writeInt(list.size());
    for (GuardEntry e : list) {
      synchronized (e) {
        out.writeUTF(e.fingerprint);
        out.writeUTF(e.shape);
        out.writeLong(e.planned);
        out.writeLong(e.stockRuns);
        out.writeLong(e.learnedRuns);
        out.writeDouble(e.lastStockMs);
        out.writeDouble(e.lastLearnedMs);
        out.writeLong(e.stockPlan);
        out.writeLong(e.learnedPlan);
        out.writeBoolean(e.guarded);
        out.writeInt(e.fallbacks);
        double[] state = e.guardState == null ? new double[0] : e.guardState;
        out.writeInt(state.length);
        for (double v : state) {
          out.writeDouble(v);
        }
        e.stock.writeTo(out);
        e.learned.writeTo(out);
        out.writeLong(e.stockPreparations);
        e.stockPreparation.writeTo(out);
      }
    }
  }

  /**
   * Reads entries written by {@link #write} (or by history version 1) into a new guard with
   * {@code options}; windows longer than the configured one keep their newest values.
   *
   * @throws IOException if the data is cut short or a value is out of range (the message says
   *     which value of which fingerprint)
   */
  public static RegressionGuard read(DataInput in, GuardOptions options, int version)
      throws IOException {
    RegressionGuard g = new RegressionGuard(options);
    int n = in.readInt();
    if (n < 0 || n > RegressionGuard.MAX_FINGERPRINTS) {
      throw new IOException("fingerprint count must be in 0.." + RegressionGuard.MAX_FINGERPRINTS
          + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      String fp = in.readUTF();
      GuardEntry e = new GuardEntry(fp, in.readUTF(), options.window());
      e.planned = nonNegative(in.readLong(), "planned", fp);
      e.stockRuns = nonNegative(in.readLong(), "stockRuns", fp);
      e.learnedRuns = nonNegative(in.readLong(), "learnedRuns", fp);
      e.lastStockMs = in.readDouble();
      e.lastLearnedMs = in.readDouble();
      e.stockPlan = in.readLong();
      e.learnedPlan = in.readLong();
      e.guarded = in.readBoolean();
      e.fallbacks = in.readInt();
      int len = in.readInt();
      if (len < 0 || len > 1024) {
        throw new IOException("model state length of " + fp + " must be in 0..1024, got " + len);
      }
      double[] state = new double[len];
      for (int k = 0; k < len; k++) {
        state[k] = in.readDouble();
      }
      e.guardState = len == 0 ? null : state;
      e.stock.readFrom(in, MAX_WINDOW, "stock latencies of " + fp);
      e.learned.readFrom(in, MAX_WINDOW, "learned latencies of " + fp);
      if (version >= 2) {
        e.stockPreparations = nonNegative(in.readLong(), "stockPreparations", fp);
        e.stockPreparation.readFrom(in, MAX_WINDOW, "stock preparations of " + fp);
      }
      g.put(e);
    }
    return g;
  }

  private static long nonNegative(long v, String what, String fp) throws IOException {
    if (v < 0) {
      throw new IOException(what + " of " + fp + " must be >= 0, got " + v);
    }
    return v;
  }
}
