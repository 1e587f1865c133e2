package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.vector.VectorIndex;
import dev.learnedcost.calcite.vector.VectorMetric;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.JDKRandomGenerator;

/**
 * An IVF-Flat index: k-means++ centroids (commons-math3 {@link KMeansPlusPlusClusterer}) and,
 * per centroid, the flat list of the rows assigned to it. A search ranks the centroids by
 * distance to the query, scans the rows of the nearest {@code nprobe} lists exactly and returns
 * the best n.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Clustering: Euclidean k-means++ on the vectors (on unit-normalised vectors for COSINE,
 *       where Euclidean order equals cosine order), {@code nlist = round(sqrt(N))} lists by
 *       default, at most {@value #MAX_ITERATIONS} Lloyd iterations, a seeded generator, so a
 *       rebuild of the same data gives the same index.</li>
 *   <li>Probing: {@code nprobe} lists (8 by default); when n candidates need more rows than
 *       those lists hold on average, more lists are probed: {@code max(nprobe,
 *       ceil(2 n / (N / nlist)))}.</li>
 *   <li>Persistence: a binary file (magic, version, fingerprint, centroids, lists, CRC32C
 *       trailer) written to a temporary file and moved into place; {@link #openOrBuild} reuses
 *       it only if it reads back whole with the data's {@link Fingerprint}.</li>
 *   <li>Cost: {@code nlist + probed * N / nlist} distance evaluations per search.</li>
 * </ul>
 */
public final class IvfFlatIndex implements VectorIndex {
  /** Default lists probed. */
  public static final int DEFAULT_NPROBE = 8;
  /** Lloyd iterations at most. */
  public static final int MAX_ITERATIONS = 25;

  private static final int MAGIC = 0x49564631; // "IVF1"
  private static final long SEED = 42L;

  private final VectorMetric metric;
  private final float[][] vectors;
  private final float[][] centroids;
  private final int[][] lists;
  private final int nprobe;
  private final boolean rebuilt;

  private IvfFlatIndex(VectorMetric metric, float[][] vectors, float[][] centroids,
      int[][] lists, int nprobe, boolean rebuilt) {
    this.metric = metric;
    this.vectors = vectors;
    this.centroids = centroids;
    this.lists = lists;
    this.nprobe = nprobe;
    this.rebuilt = rebuilt;
  }

  /**
   * Opens the index file if it was built from exactly these vectors and parameters, otherwise
   * builds it and writes the file.
   *
   * @param vectors the column's vectors in row-id order; kept (not copied) for exact scans of
   *     the probed lists
   * @param nlist lists, in 1..N
   * @param nprobe lists probed per search, in 1..nlist
   * @throws IOException if the file cannot be written
   */
  public static IvfFlatIndex openOrBuild(Path file, VectorMetric metric, float[][] vectors,
      int nlist, int nprobe) throws IOException {
    if (vectors.length == 0) {
      throw new IllegalArgumentException("IVF_FLAT: vectors must not be empty");
    }
    if (nlist < 1 || nlist > vectors.length) {
      throw new IllegalArgumentException("IVF_FLAT: nlist must be in 1.." + vectors.length
          + ", got " + nlist);
    }
    if (nprobe < 1 || nprobe > nlist) {
      throw new IllegalArgumentException("IVF_FLAT: nprobe must be in 1.." + nlist + ", got "
          + nprobe);
    }
    String fingerprint = Fingerprint.of(metric, "nlist=" + nlist, vectors);
    if (Files.isRegularFile(file)) {
      try {
        IvfFlatIndex read = read(file, metric, vectors, nprobe, fingerprint);
        if (read != null) {
          return read;
        }
      } catch (IOException | RuntimeException unreadable) {
        // Damaged or foreign: rebuilt below.
      }
    }
    IvfFlatIndex built = build(metric, vectors, nlist, nprobe);
    built.write(file, fingerprint);
    return built;
  }

  /** Opens or builds with {@code nlist = round(sqrt(N))} and {@link #DEFAULT_NPROBE}. */
  public static IvfFlatIndex openOrBuild(Path file, VectorMetric metric, float[][] vectors)
      throws IOException {
    int nlist = Math.max(1, (int) Math.round(Math.sqrt(vectors.length)));
    return openOrBuild(file, metric, vectors, nlist, Math.min(nlist, DEFAULT_NPROBE));
  }

  private record Point(double[] point, int row) implements Clusterable {
    @Override
    public double[] getPoint() {
      return point;
    }
  }

  private static IvfFlatIndex build(VectorMetric metric, float[][] vectors, int nlist,
      int nprobe) {
    List<Point> points = new ArrayList<>(vectors.length);
    for (int i = 0; i < vectors.length; i++) {
      points.add(new Point(clusteringPoint(metric, vectors[i]), i));
    }
    JDKRandomGenerator random = new JDKRandomGenerator();
    random.setSeed(SEED);
    KMeansPlusPlusClusterer<Point> clusterer = new KMeansPlusPlusClusterer<>(nlist,
        MAX_ITERATIONS, new EuclideanDistance(), random,
        KMeansPlusPlusClusterer.EmptyClusterStrategy.LARGEST_POINTS_NUMBER);
    List<CentroidCluster<Point>> clusters = clusterer.cluster(points);
    float[][] centroids = new float[clusters.size()][];
    int[][] lists = new int[clusters.size()][];
    for (int c = 0; c < clusters.size(); c++) {
      double[] center = clusters.get(c).getCenter().getPoint();
      centroids[c] = new float[center.length];
      for (int d = 0; d < center.length; d++) {
        centroids[c][d] = (float) center[d];
      }
      List<Point> members = clusters.get(c).getPoints();
      lists[c] = members.stream().mapToInt(Point::row).sorted().toArray();
    }
    return new IvfFlatIndex(metric, vectors, centroids, lists, nprobe, true);
  }

  private static double[] clusteringPoint(VectorMetric metric, float[] v) {
    double[] p = new double[v.length];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      p[d] = v[d];
      norm += p[d] * p[d];
    }
    if (metric == VectorMetric.COSINE && norm > 0) {
      double inv = 1 / Math.sqrt(norm);
      for (int d = 0; d < p.length; d++) {
        p[d] *= inv;
      }
    }
    return p;
  }

  private void write(Path file, String fingerprint) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      CRC32C crc = new CRC32C();
      try (OutputStream raw = Files.newOutputStream(tmp);
          CheckedOutputStream checked = new CheckedOutputStream(
              new java.io.BufferedOutputStream(raw), crc);
          DataOutputStream out = new DataOutputStream(checked)) {
        out.writeInt(MAGIC);
        out.writeUTF(fingerprint);
        out.writeInt(centroids.length);
        out.writeInt(centroids[0].length);
        for (float[] c : centroids) {
          for (float f : c) {
            out.writeFloat(f);
          }
        }
        for (int[] list : lists) {
          out.writeInt(list.length);
          for (int id : list) {
            out.writeInt(id);
          }
        }
        out.flush();
        long sum = crc.getValue();
        out.writeLong(sum);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static IvfFlatIndex read(Path file, VectorMetric metric, float[][] vectors, int nprobe,
      String fingerprint) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream raw = Files.newInputStream(file);
        CheckedInputStream checked = new CheckedInputStream(
            new java.io.BufferedInputStream(raw), crc);
        DataInputStream in = new DataInputStream(checked)) {
      if (in.readInt() != MAGIC || !fingerprint.equals(in.readUTF())) {
        return null;
      }
      int nlist = in.readInt();
      int dim = in.readInt();
      if (nlist < nprobe || dim != vectors[0].length) {
        return null;
      }
      float[][] centroids = new float[nlist][dim];
      for (float[] c : centroids) {
        for (int d = 0; d < dim; d++) {
          c[d] = in.readFloat();
        }
      }
      int[][] lists = new int[nlist][];
      int total = 0;
      for (int c = 0; c < nlist; c++) {
        lists[c] = new int[in.readInt()];
        for (int i = 0; i < lists[c].length; i++) {
          lists[c][i] = in.readInt();
          if (lists[c][i] < 0 || lists[c][i] >= vectors.length) {
            return null;
          }
        }
        total += lists[c].length;
      }
      long expected = crc.getValue();
      long stored = in.readLong();
      if (stored != expected || total != vectors.length) {
        return null;
      }
      return new IvfFlatIndex(metric, vectors, centroids, lists, nprobe, false);
    }
  }

  /** Whether {@link #openOrBuild} built the index (true) or read the persisted file (false). */
  public boolean rebuilt() {
    return rebuilt;
  }

  /** Returns the number of lists. */
  public int nlist() {
    return lists.length;
  }

  @Override
  public Kind kind() {
    return Kind.IVF_FLAT;
  }

  @Override
  public VectorMetric metric() {
    return metric;
  }

  @Override
  public int dimension() {
    return vectors[0].length;
  }

  @Override
  public int size() {
    return vectors.length;
  }

  private int probes(int n) {
    double perList = (double) vectors.length / lists.length;
    return (int) Math.min(lists.length, Math.max(nprobe, Math.ceil(2.0 * n / perList)));
  }

  @Override
  public int[] search(float[] query, int n) {
    VectorIndex.checkSearch(this, query, n);
    float[] q = query;
    if (metric == VectorMetric.COSINE) {
      double[] p = clusteringPoint(metric, query);
      q = new float[p.length];
      for (int d = 0; d < p.length; d++) {
        q[d] = (float) p[d];
      }
    }
    int probes = probes(n);
    double[] centroidDistance = new double[lists.length];
    Integer[] order = new Integer[lists.length];
    for (int c = 0; c < lists.length; c++) {
      centroidDistance[c] = VectorMetric.L2.apply(centroids[c], q);
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Double.compare(centroidDistance[a], centroidDistance[b]));
    int scanned = 0;
    for (int i = 0; i < probes; i++) {
      scanned += lists[order[i]].length;
    }
    int[] ids = new int[scanned];
    double[] keys = new double[scanned];
    int sign = metric.ascending() ? 1 : -1;
    int pos = 0;
    for (int i = 0; i < probes; i++) {
      for (int id : lists[order[i]]) {
        ids[pos] = id;
        keys[pos++] = sign * metric.apply(vectors[id], query);
      }
    }
    Integer[] idx = new Integer[scanned];
    for (int i = 0; i < scanned; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(keys[a], keys[b]));
    int count = Math.min(n, scanned);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = ids[idx[i]];
    }
    return out;
  }

  @Override
  public double distanceEvaluations(int n) {
    return lists.length + probes(n) * (double) vectors.length / lists.length;
  }

  @Override
  public String describe() {
    return "IVF_FLAT(" + metric + ", nlist=" + lists.length + ", nprobe=" + nprobe + ")";
  }

  @Override
  public String toString() {
    return describe() + " over " + vectors.length + " rows";
  }
}
