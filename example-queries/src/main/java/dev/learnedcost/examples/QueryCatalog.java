package dev.learnedcost.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The built-in queries of each data set, loaded from the class path, and user queries loaded
 * from a directory of {@code *.sql} files.
 *
 * <p>Built-in queries live in {@code queries/<data set>/<name>.sql}; each data set's directory
 * has an {@code index.txt} listing its files, one per line, because a class-path directory
 * cannot be listed portably inside a jar. Files are UTF-8, one statement each, with the
 * conventions described on {@link Query}.
 */
public final class QueryCatalog {

  /** The class-path directory holding one sub-directory of queries per data set. */
  public static final String RESOURCE_ROOT = "queries";

  private static final List<String> BUILT_IN_DATASETS = List.of(TpchDataset.NAME, SkewDataset.NAME, VectorDataset.NAME);

  private QueryCatalog() {}

  /** Returns the names of the data sets that have built-in queries: {@code tpch, skew}. */
  public static List<String> builtInDatasets() {
    return BUILT_IN_DATASETS;
  }

  /**
   * Returns the built-in queries of a data set, sorted by name.
   *
   * @param dataset a name from {@link #builtInDatasets()}
   * @throws IllegalArgumentException if the data set is unknown
   * @throws IllegalStateException if a listed resource is missing (a packaging defect)
   * @throws UncheckedIOException if a resource cannot be read
   */
  public static List<Query> builtIn(String dataset) {
    if (!BUILT_IN_DATASETS.contains(dataset)) {
      throw new IllegalArgumentException("dataset must be one of " + BUILT_IN_DATASETS + ", got "
          + (dataset == null ? "null" : "'" + dataset + "'"));
    }
    String directory = RESOURCE_ROOT + "/" + dataset + "/";
    List<Query> queries = new ArrayList<>();
    for (String line : resourceText(directory + "index.txt").split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      if (!file.endsWith(".sql") || file.contains("/")) {
        throw new IllegalStateException("class-path index " + directory + "index.txt lists '"
            + file + "'; it must list plain *.sql file names");
      }
      String resource = directory + file;
      queries.add(new Query(baseName(file), resourceText(resource), "classpath:" + resource));
    }
    queries.sort(Comparator.comparing(Query::name));
    return List.copyOf(queries);
  }

  /**
   * Returns one built-in query.
   *
   * @throws IllegalArgumentException if the data set or the query is unknown; the message
   *     lists the available names
   */
  public static Query builtIn(String dataset, String name) {
    List<Query> queries = builtIn(dataset);
    return queries.stream()
        .filter(q -> q.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("data set " + dataset
            + " has no built-in query named " + (name == null ? "null" : "'" + name + "'")
            + "; available: " + queries.stream().map(Query::name).toList()));
  }

  /**
   * Loads every {@code *.sql} file directly in {@code directory} (not in sub-directories),
   * sorted by file name.
   *
   * @throws IllegalArgumentException if {@code directory} is not a directory, holds no
   *     {@code *.sql} file, or a file is empty or holds several statements (the message names
   *     the file)
   * @throws IOException if the directory or a file cannot be read, or a file is not UTF-8 (the
   *     message names the file)
   */
  public static List<Query> fromDirectory(Path directory) throws IOException {
    List<Query> queries = new ArrayList<>();
    for (Path file : sqlFiles(directory)) {
      queries.add(fromFile(file));
    }
    return List.copyOf(queries);
  }

  /**
   * Loads every {@code *.sql} file directly in {@code directory}, sorted by file name, as
   * {@link #fromDirectory(Path)} does, but skips a file that cannot be read or holds no single
   * statement: {@code unreadable} gets its absolute path and the reason ({@code "PATH: why"}).
   *
   * @throws IllegalArgumentException if {@code directory} is not a directory or holds no
   *     {@code *.sql} file
   * @throws IOException if the directory cannot be listed
   */
  public static List<Query> fromDirectory(Path directory, Consumer<String> unreadable)
      throws IOException {
    Objects.requireNonNull(unreadable, "unreadable");
    List<Query> queries = new ArrayList<>();
    for (Path file : sqlFiles(directory)) {
      try {
        queries.add(fromFile(file));
      } catch (IOException | IllegalArgumentException e) {
        unreadable.accept(file.toAbsolutePath() + ": " + e.getMessage());
      }
    }
    return List.copyOf(queries);
  }

  /** The {@code *.sql} files directly in {@code directory}, sorted by name; at least one. */
  private static List<Path> sqlFiles(Path directory) throws IOException {
    Objects.requireNonNull(directory, "directory");
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("query directory must be an existing directory, got "
          + directory.toAbsolutePath() + (Files.exists(directory) ? " (a file)" : " (missing)"));
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.sql")) {
      for (Path file : stream) {
        if (!Files.isDirectory(file)) {
          files.add(file);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("query directory " + directory.toAbsolutePath()
          + " holds no *.sql file");
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return files;
  }

  /**
   * Loads one query file; its name is the file name without {@code .sql}.
   *
   * @throws IllegalArgumentException if the file is empty (only whitespace and comments) or
   *     holds several statements
   * @throws IOException if it cannot be read or is not UTF-8
   */
  public static Query fromFile(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = decodeUtf8(Files.readAllBytes(file));
    } catch (CharacterCodingException e) {
      throw new IOException("query file " + file.toAbsolutePath() + " is not valid UTF-8", e);
    } catch (IOException e) {
      throw new IOException("cannot read query file " + file.toAbsolutePath() + ": " + e, e);
    }
    String fileName = file.getFileName().toString();
    return new Query(baseName(fileName), text, file.toAbsolutePath().toString());
  }

  private static String baseName(String fileName) {
    return fileName.endsWith(".sql") ? fileName.substring(0, fileName.length() - 4) : fileName;
  }

  private static String decodeUtf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }

  private static String resourceText(String resource) {
    ClassLoader loader = QueryCatalog.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class-path resource " + resource + " is missing;"
            + " the example-queries jar is incomplete");
      }
      StringBuilder text = new StringBuilder();
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          text.append(line).append('\n');
        }
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class-path resource " + resource, e);
    }
  }
}
