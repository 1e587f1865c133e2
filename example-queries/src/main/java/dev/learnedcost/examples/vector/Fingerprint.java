package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.vector.VectorMetric;
import java.util.zip.CRC32C;

/**
 * The identity of an index's input: metric, parameters, row count, dimension and a CRC32C over
 * every vector's float bits in row order. An index persisted with another fingerprint was built
 * from other data (or other parameters) and is rebuilt.
 */
final class Fingerprint {
  private Fingerprint() {}

  /** Returns the fingerprint text, e.g. {@code COSINE|M=16,beam=100|20000x64|crc=1a2b3c4d}. */
  static String of(VectorMetric metric, String parameters, float[][] vectors) {
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[4];
    for (float[] v : vectors) {
      for (float f : v) {
        int bits = Float.floatToRawIntBits(f);
        buf[0] = (byte) bits;
        buf[1] = (byte) (bits >>> 8);
        buf[2] = (byte) (bits >>> 16);
        buf[3] = (byte) (bits >>> 24);
        crc.update(buf, 0, 4);
      }
    }
    int dim = vectors.length == 0 ? 0 : vectors[0].length;
    return metric + "|" + parameters + "|" + vectors.length + "x" + dim + "|crc="
        + Long.toHexString(crc.getValue());
  }
}
