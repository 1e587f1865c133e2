package dev.learnedcost.examples.vector;

import dev.learnedcost.calcite.vector.VectorIndex;
import dev.learnedcost.calcite.vector.VectorMetric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * An HNSW index backed by Lucene 9: one document per row with a {@code KnnFloatVectorField}
 * and the row id as doc values, in a Lucene index directory next to the H2 file.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Graph: Lucene's {@code Lucene99HnswVectorsFormat} with {@code M} neighbours per node and
 *       build beam width {@code beam} (16 and 100 by default, Lucene's own defaults). The
 *       segments are merged into one, so a search walks one graph.</li>
 *   <li>Search: {@code KnnFloatVectorQuery} with {@code max(n, efSearch)} results (Lucene's
 *       search beam equals the requested count), of which the first n are returned;
 *       {@code efSearch} defaults to 100.</li>
 *   <li>Metrics: COSINE as Lucene's COSINE, L2 as EUCLIDEAN, INNER_PRODUCT as
 *       MAXIMUM_INNER_PRODUCT; Lucene scores similarities, higher first, which is nearest first
 *       for all three.</li>
 *   <li>Persistence and rebuild: the {@link Fingerprint} of the data and parameters is stored in
 *       the commit's user data; {@link #openOrBuild} reuses a directory whose fingerprint
 *       matches and otherwise deletes and rebuilds it.</li>
 *   <li>Cost: a search visits about {@code ef * M * log2(N) / 2} nodes' vectors (each layer's
 *       greedy walk evaluates the neighbours of the nodes on its beam), the number
 *       {@link #distanceEvaluations} returns.</li>
 * </ul>
 */
public final class LuceneHnswIndex implements VectorIndex, AutoCloseable {
  /** Default neighbours per node. */
  public static final int DEFAULT_M = 16;
  /** Default build beam width. */
  public static final int DEFAULT_BEAM = 100;
  /** Default search beam. */
  public static final int DEFAULT_EF_SEARCH = 100;

  private static final String FIELD = "v";
  private static final String ROW = "row";
  private static final String FINGERPRINT = "fingerprint";

  private final VectorMetric metric;
  private final int dimension;
  private final int size;
  private final int m;
  private final int beam;
  private final int efSearch;
  private final Directory directory;
  private final DirectoryReader reader;
  private final LeafReader leaf;
  private final int[] rowOfDoc;
  private final boolean rebuilt;

  private LuceneHnswIndex(VectorMetric metric, int dimension, int m, int beam, int efSearch,
      Directory directory, boolean rebuilt) throws IOException {
    this.metric = metric;
    this.dimension = dimension;
    this.m = m;
    this.beam = beam;
    this.efSearch = efSearch;
    this.directory = directory;
    this.rebuilt = rebuilt;
    this.reader = DirectoryReader.open(directory);
    if (reader.leaves().size() != 1) {
      throw new IOException("Lucene index " + directory + " has " + reader.leaves().size()
          + " segments; it is built with one");
    }
    this.leaf = reader.leaves().get(0).reader();
    this.size = reader.maxDoc();
    this.rowOfDoc = new int[size];
    for (var leaf : reader.leaves()) {
      LeafReader r = leaf.reader();
      NumericDocValues rows = r.getNumericDocValues(ROW);
      for (int d = 0; d < r.maxDoc(); d++) {
        if (rows == null || !rows.advanceExact(d)) {
          throw new IOException("Lucene index " + directory + ": document " + d
              + " has no row id");
        }
        rowOfDoc[leaf.docBase + d] = (int) rows.longValue();
      }
    }
  }

  /**
   * Opens the index in {@code dir} if it was built from exactly these vectors and parameters,
   * otherwise (missing, unreadable, other data) deletes it and builds it anew.
   *
   * @param vectors the column's vectors in row-id order; not modified
   * @throws IOException if the directory cannot be written or read
   * @throws IllegalArgumentException if a parameter is out of range or the vectors are empty
   */
  public static LuceneHnswIndex openOrBuild(Path dir, VectorMetric metric, float[][] vectors,
      int m, int beam, int efSearch) throws IOException {
    if (vectors.length == 0) {
      throw new IllegalArgumentException("HNSW: vectors must not be empty");
    }
    if (m < 2 || m > 512 || beam < 1 || beam > 3200 || efSearch < 1) {
      throw new IllegalArgumentException("HNSW: M must be in 2..512, beam in 1..3200, efSearch"
          + " >= 1, got M=" + m + ", beam=" + beam + ", efSearch=" + efSearch);
    }
    String fingerprint = Fingerprint.of(metric, "M=" + m + ",beam=" + beam, vectors);
    if (Files.isDirectory(dir)) {
      FSDirectory existing = FSDirectory.open(dir);
      try {
        if (DirectoryReader.indexExists(existing)) {
          Map<String, String> data;
          try (DirectoryReader r = DirectoryReader.open(existing)) {
            data = r.getIndexCommit().getUserData();
          }
          if (fingerprint.equals(data.get(FINGERPRINT))) {
            return new LuceneHnswIndex(metric, vectors[0].length, m, beam, efSearch, existing,
                false);
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // A damaged index is rebuilt below, like one built from other data.
      }
      existing.close();
      deleteRecursively(dir);
    }
    Files.createDirectories(dir);
    FSDirectory fresh = FSDirectory.open(dir);
    KnnVectorsFormat format = new Lucene99HnswVectorsFormat(m, beam);
    IndexWriterConfig config = new IndexWriterConfig()
        .setCodec(new Lucene912Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        })
        .setRAMBufferSizeMB(256)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    VectorSimilarityFunction similarity = similarity(metric);
    try (IndexWriter writer = new IndexWriter(fresh, config)) {
      for (int i = 0; i < vectors.length; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, vectors[i], similarity));
        doc.add(new NumericDocValuesField(ROW, i));
        writer.addDocument(doc);
      }
      writer.forceMerge(1);
      writer.setLiveCommitData(Map.of(FINGERPRINT, fingerprint).entrySet());
      writer.commit();
    }
    return new LuceneHnswIndex(metric, vectors[0].length, m, beam, efSearch, fresh, true);
  }

  /** Opens or builds with the default parameters. */
  public static LuceneHnswIndex openOrBuild(Path dir, VectorMetric metric, float[][] vectors)
      throws IOException {
    return openOrBuild(dir, metric, vectors, DEFAULT_M, DEFAULT_BEAM, DEFAULT_EF_SEARCH);
  }

  private static VectorSimilarityFunction similarity(VectorMetric metric) {
    return switch (metric) {
      case COSINE -> VectorSimilarityFunction.COSINE;
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
      case INNER_PRODUCT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
    };
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Whether {@link #openOrBuild} built the index (true) or reused a persisted one (false). */
  public boolean rebuilt() {
    return rebuilt;
  }

  @Override
  public Kind kind() {
    return Kind.HNSW;
  }

  @Override
  public VectorMetric metric() {
    return metric;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int[] search(float[] query, int n) {
    VectorIndex.checkSearch(this, query, n);
    int want = Math.min(size, Math.max(n, efSearch));
    try {
      TopDocs top = leaf.searchNearestVectors(FIELD, query, want, null, Integer.MAX_VALUE);
      int count = Math.min(n, top.scoreDocs.length);
      int[] ids = new int[count];
      ScoreDoc[] docs = top.scoreDocs;
      for (int i = 0; i < count; i++) {
        ids[i] = rowOfDoc[docs[i].doc];
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("HNSW search failed: " + e.getMessage(), e);
    }
  }

  @Override
  public double distanceEvaluations(int n) {
    double ef = Math.max(n, efSearch);
    return Math.min(size, ef * Math.log(Math.max(2, size)) / Math.log(2));
  }

  /**
   * Returns how many vectors Lucene compared for one search of {@code n} (its visited count),
   * for checking {@link #distanceEvaluations}.
   */
  public long visited(float[] query, int n) {
    VectorIndex.checkSearch(this, query, n);
    int want = Math.min(size, Math.max(n, efSearch));
    try {
      return leaf.searchNearestVectors(FIELD, query, want, null, Integer.MAX_VALUE)
          .totalHits.value;
    } catch (IOException e) {
      throw new UncheckedIOException("HNSW search failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "HNSW(" + metric + ", M=" + m + ", beam=" + beam + ", ef=" + efSearch + ")";
  }

  @Override
  public void close() throws IOException {
    reader.close();
    directory.close();
  }

  @Override
  public String toString() {
    return describe() + " over " + size + " rows";
  }
}
