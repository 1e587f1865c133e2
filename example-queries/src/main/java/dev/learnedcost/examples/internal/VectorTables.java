package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.VectorDataset;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generator of the {@code vector} data set.
 *
 * <h2>Design notes</h2>
 * <pre>
 * table         rows      columns
 * CATEGORIES       100    CATEGORY_ID, NAME ('CATEGORY 001'..), DEPARTMENT (10 departments)
 * ITEMS         rows      ID, CATEGORY_ID (uniform 1..100), PRICE (uniform 1..100),
 *                         EMBEDDING REAL ARRAY[dim]
 * ITEMS_SMALL      500    the same columns and distribution
 * </pre>
 * <ul>
 *   <li>Vectors: 32 clusters; a cluster has a centre ~ N(0, 1)^d and an 8-dimensional basis
 *       (entries ~ N(0, 1/d), so each direction has length about 1); a row is its cluster's centre, plus the basis times a latent
 *       ~ N(0, 1.5^2)^8, plus isotropic noise ~ N(0, 0.05^2)^d. Real embeddings have a low
 *       intrinsic dimension; pure isotropic noise would make every approximate index look bad
 *       for reasons no real data set has.</li>
 *   <li>Category and price are independent of the vector, so {@code CATEGORY_ID = c} keeps 1%
 *       of the rows, spread over all clusters: the very selective filter where an index scan
 *       must look at most of the table to find k rows.</li>
 *   <li>Determinism: the cluster model comes from {@code SplittableRandom(seed)}; each table and
 *       each query vector from its own stream seeded from the data set's seed.</li>
 *   <li>Bump {@link #GENERATOR_VERSION} on any change to what is generated.</li>
 * </ul>
 */
public final class VectorTables {
  /** Table names in creation order. */
  public static final List<String> TABLE_NAMES = List.of("CATEGORIES", "ITEMS", "ITEMS_SMALL");
  /** Version of the generation rules, recorded in the manifest. */
  public static final int GENERATOR_VERSION = 1;
  /** Rows of {@code ITEMS_SMALL}. */
  public static final int SMALL_ROWS = 500;
  /** Rows of {@code CATEGORIES}. */
  public static final int CATEGORIES = 100;

  static final int CLUSTERS = 32;
  static final int LATENT = 8;
  static final double LATENT_SCALE = 1.5;
  static final double NOISE = 0.05;
  static final int DEPARTMENTS = 10;

  private VectorTables() {}

  /** Returns the generator identity recorded in the manifest. */
  public static String generatorVersion() {
    return "dev.learnedcost.examples.vector:" + GENERATOR_VERSION;
  }

  /** Returns the tables of {@code dataset} in creation order. */
  public static List<TableSource> tables(VectorDataset dataset) {
    Model model = new Model(dataset);
    TableDefinition categories = new TableDefinition("CATEGORIES", List.of(
        ColumnDefinition.integer("CATEGORY_ID"), ColumnDefinition.varchar("NAME", 20),
        ColumnDefinition.varchar("DEPARTMENT", 20)), List.of("CATEGORY_ID"), List.of());
    return List.of(
        TableSource.of(categories, CATEGORIES, sink -> {
          for (int c = 1; c <= CATEGORIES; c++) {
            sink.accept(new Object[] {c, String.format("CATEGORY %03d", c),
                "DEPARTMENT " + ((c - 1) % DEPARTMENTS + 1)});
          }
        }),
        items("ITEMS", dataset.rows(), model, new SplittableRandom(dataset.seed() + 1)),
        items("ITEMS_SMALL", SMALL_ROWS, model, new SplittableRandom(dataset.seed() + 2)));
  }

  private static TableSource items(String name, int rows, Model model, SplittableRandom random) {
    TableDefinition def = new TableDefinition(name, List.of(
        ColumnDefinition.integer("ID"), ColumnDefinition.integer("CATEGORY_ID"),
        ColumnDefinition.integer("PRICE"), ColumnDefinition.vector("EMBEDDING", model.dim)),
        List.of("ID"), List.of(IndexDefinition.of("IDX_" + name + "_CATEGORY", "CATEGORY_ID")));
    return TableSource.of(def, rows, sink -> {
      for (int i = 0; i < rows; i++) {
        int cluster = random.nextInt(CLUSTERS);
        float[] v = model.draw(cluster, random);
        sink.accept(new Object[] {i + 1, 1 + random.nextInt(CATEGORIES),
            1 + random.nextInt(100), v});
      }
    });
  }

  /** Returns query vector {@code i} of {@code dataset}. */
  public static float[] queryVector(VectorDataset dataset, int i) {
    if (i < 0) {
      throw new IllegalArgumentException("query vector index must be >= 0, got " + i);
    }
    Model model = new Model(dataset);
    return model.draw(i % CLUSTERS, new SplittableRandom(dataset.seed() * 1_000_003L + 1000 + i));
  }

  /** The cluster centres and bases, drawn once from the seed. */
  static final class Model {
    final int dim;
    final double[][] centres;
    final double[][][] bases;

    Model(VectorDataset dataset) {
      dim = dataset.dimension();
      SplittableRandom r = new SplittableRandom(dataset.seed());
      centres = new double[CLUSTERS][dim];
      bases = new double[CLUSTERS][LATENT][dim];
      double basisScale = 1 / Math.sqrt(dim);
      for (int c = 0; c < CLUSTERS; c++) {
        for (int d = 0; d < dim; d++) {
          centres[c][d] = r.nextGaussian();
        }
        for (int l = 0; l < LATENT; l++) {
          for (int d = 0; d < dim; d++) {
            bases[c][l][d] = r.nextGaussian() * basisScale;
          }
        }
      }
    }

    float[] draw(int cluster, SplittableRandom r) {
      double[] v = centres[cluster].clone();
      for (int l = 0; l < LATENT; l++) {
        double z = r.nextGaussian() * LATENT_SCALE;
        double[] b = bases[cluster][l];
        for (int d = 0; d < dim; d++) {
          v[d] += z * b[d];
        }
      }
      float[] out = new float[dim];
      for (int d = 0; d < dim; d++) {
        out[d] = (float) (v[d] + r.nextGaussian() * NOISE);
      }
      return out;
    }
  }
}
