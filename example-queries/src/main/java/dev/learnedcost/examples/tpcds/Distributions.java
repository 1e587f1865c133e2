package dev.learnedcost.examples.tpcds;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TPC-DS distributions ({@code *.dst}) shipped inside the {@code io.trino.tpcds} jar, the
 * same ones its data generator draws from, so that query parameters select values the data
 * holds.
 *
 * <p>File format (one row per line, {@code --} starts a comment): comma-separated values, a
 * colon, comma-separated integer weights, one per weight set. Example from {@code fips.dst}:
 * {@code 47187,Williamson County, TN, Tennesee, 3, -5:1, 117569, 1387, 1, 0, 0} has six values
 * (FIPS code, county, state, state name, zip prefix, GMT offset) and six weights (uniform,
 * population, ...). Templates name a distribution by its TPC-DS name ({@code fips_county}); the
 * jar names some files differently ({@code fips.dst}), see {@link #FILES}.
 */
final class Distributions {

  /** One parsed distribution: rows of values and, per row, one weight per weight set. */
  record Distribution(String name, List<List<String>> values, List<int[]> weights) {

    int size() {
      return values.size();
    }

    /**
     * Returns the value in 1-based {@code row} and {@code column}.
     *
     * @throws IllegalArgumentException if either is out of range
     */
    String member(long row, int column) {
      if (row < 1 || row > values.size()) {
        throw new IllegalArgumentException("row of distribution " + name + " must be in 1.."
            + values.size() + ", got " + row);
      }
      List<String> r = values.get((int) row - 1);
      if (column < 1 || column > r.size()) {
        throw new IllegalArgumentException("value column of distribution " + name
            + " must be in 1.." + r.size() + ", got " + column);
      }
      return r.get(column - 1);
    }

    /** Returns a 1-based row drawn with the weights of 1-based {@code weightSet}. */
    int pickRow(int weightSet, java.util.function.LongUnaryOperator uniformBelow) {
      long total = 0;
      for (int[] w : weights) {
        total += weight(w, weightSet);
      }
      if (total <= 0) {
        throw new IllegalArgumentException("weight set " + weightSet + " of distribution " + name
            + " has no positive weight");
      }
      long pick = uniformBelow.applyAsLong(total);
      for (int i = 0; i < weights.size(); i++) {
        pick -= weight(weights.get(i), weightSet);
        if (pick < 0) {
          return i + 1;
        }
      }
      throw new AssertionError("weights of " + name + " changed while picking");
    }

    private int weight(int[] w, int weightSet) {
      if (weightSet < 1 || weightSet > w.length) {
        throw new IllegalArgumentException("weight set of distribution " + name
            + " must be in 1.." + w.length + ", got " + weightSet);
      }
      return w[weightSet - 1];
    }
  }

  /** Template names whose file in the jar has another name. */
  private static final Map<String, String> FILES = Map.of(
      "fips_county", "fips",
      "gender", "genders",
      "marital_status", "marital_statuses",
      "i_manager_id", "item_manager_id");

  /** Named weight sets the templates use, by distribution: {@code dist(cities, 1, large)}. */
  private static final Map<String, Map<String, Integer>> WEIGHT_NAMES = Map.of(
      "cities", Map.of("usgs", 1, "uniform", 2, "large", 3, "medium", 4, "small", 5,
          "unified", 6),
      "fips_county", Map.of("uniform", 1, "population", 2, "tz", 3));

  private static final String DIRECTORY = "io/trino/tpcds/distribution/";
  private static final Map<String, Distribution> CACHE = new ConcurrentHashMap<>();

  private Distributions() {}

  /**
   * Returns the distribution a template names, e.g. {@code fips_county} or {@code men_class}.
   *
   * @throws IllegalArgumentException if the generator jar ships no such distribution
   */
  static Distribution get(String templateName) {
    String name = templateName.toLowerCase(Locale.ROOT).strip();
    return CACHE.computeIfAbsent(name, Distributions::load);
  }

  /** Returns whether the generator jar ships a distribution of that template name. */
  static boolean exists(String templateName) {
    String name = templateName.toLowerCase(Locale.ROOT).strip();
    return CACHE.containsKey(name) || Distributions.class.getClassLoader()
        .getResource(DIRECTORY + FILES.getOrDefault(name, name) + ".dst") != null;
  }

  /**
   * Returns the 1-based weight set of a distribution named in a template: a number, or a name
   * such as {@code large} for {@code cities}.
   */
  static int weightSet(String distribution, String weight) {
    String w = weight.strip().toLowerCase(Locale.ROOT);
    if (w.chars().allMatch(Character::isDigit) && !w.isEmpty()) {
      return Integer.parseInt(w);
    }
    Integer set = WEIGHT_NAMES.getOrDefault(distribution.toLowerCase(Locale.ROOT), Map.of())
        .get(w);
    if (set == null) {
      throw new IllegalArgumentException("weight set of distribution " + distribution
          + " must be a number or one of "
          + WEIGHT_NAMES.getOrDefault(distribution, Map.of()).keySet() + ", got '" + weight + "'");
    }
    return set;
  }

  private static Distribution load(String name) {
    String resource = DIRECTORY + FILES.getOrDefault(name, name) + ".dst";
    try (InputStream in = Distributions.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("distribution must be one that io.trino.tpcds ships ("
            + DIRECTORY + "*.dst), got '" + name + "'");
      }
      List<List<String>> values = new ArrayList<>();
      List<int[]> weights = new ArrayList<>();
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("--")) {
          continue;
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
          throw new IllegalStateException(resource + " line " + number
              + " has no ':' between values and weights: " + text);
        }
        List<String> row = new ArrayList<>();
        for (String v : text.substring(0, colon).split(",")) {
          row.add(v.strip());
        }
        String[] w = text.substring(colon + 1).split(",");
        int[] ws = new int[w.length];
        for (int i = 0; i < w.length; i++) {
          ws[i] = Integer.parseInt(w[i].strip());
        }
        values.add(List.copyOf(row));
        weights.add(ws);
      }
      return new Distribution(name, List.copyOf(values), List.copyOf(weights));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
