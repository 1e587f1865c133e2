package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.ColumnDefinition;
import dev.learnedcost.examples.internal.ColumnKind;
import dev.learnedcost.examples.internal.DatasetSources;
import dev.learnedcost.examples.internal.TableSource;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A data set written as CSV files, one directory per table, for engines that read files (the
 * Flink demo): the same generators and the same rows as {@link DemoDatabase}, without H2.
 *
 * <pre>
 * &lt;directory&gt;/&lt;data set&gt;/manifest.properties
 * &lt;directory&gt;/&lt;data set&gt;/&lt;table&gt;/part-0.csv    (lower-case table name)
 * </pre>
 *
 * <p>CSV as RFC 4180 and Flink's {@code csv} format read it: comma-separated, no header, strings
 * always in double quotes (a quote doubled inside), numbers in plain notation
 * ({@code BigDecimal.toPlainString}), dates ISO {@code yyyy-MM-dd}, SQL NULL an empty unquoted
 * field. Vector columns are not supported.
 *
 * <p>Reuse: the manifest is written last and records the layout version, the data set's name
 * and parameters, the generator, and every table's rows and file size. {@link #open} reuses the
 * files when the manifest matches the requested data set and every file has its recorded size;
 * otherwise it deletes the data set's directory and writes it again ({@link #openReport()} says
 * why). Adding a data set needs nothing here: every {@link Dataset} with a generator in the
 * demo's sources can be written.
 */
public final class DatasetFiles {
  /** Version of the file layout; files of another layout are rewritten. */
  public static final int LAYOUT_VERSION = 1;
  /** The manifest's file name. */
  public static final String MANIFEST = "manifest.properties";
  /** Each table's one data file. */
  public static final String DATA_FILE = "part-0.csv";

  /**
   * One column.
   *
   * @param name the upper-case column name
   * @param sqlType its SQL type, e.g. {@code DECIMAL(15,2)}, {@code VARCHAR(25)}, {@code DATE}
   * @param nullable whether it admits NULL
   */
  public record Column(String name, String sqlType, boolean nullable) {}

  /**
   * One table written as a file.
   *
   * @param name the upper-case table name
   * @param columns its columns in file order
   * @param directory the table's directory (holding {@value #DATA_FILE})
   * @param rows the rows written
   */
  public record Table(String name, List<Column> columns, Path directory, long rows) {
    /** Copies the columns. */
    public Table {
      columns = List.copyOf(columns);
    }
  }

  private final Dataset dataset;
  private final Path directory;
  private final List<Table> tables;
  private final DemoDatabase.OpenReport report;

  private DatasetFiles(Dataset dataset, Path directory, List<Table> tables,
      DemoDatabase.OpenReport report) {
    this.dataset = dataset;
    this.directory = directory;
    this.tables = List.copyOf(tables);
    this.report = report;
  }

  /**
   * Opens the data set's files under {@code directory}, writing them when they are missing,
   * incomplete or of other parameters.
   *
   * @param progress receives rows written per table
   * @throws IllegalArgumentException if the data set has a column the files cannot hold
   * @throws IOException if the files cannot be read or written
   */
  public static DatasetFiles open(Path directory, Dataset dataset, LoadProgressListener progress)
      throws IOException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(progress, "progress");
    long start = System.nanoTime();
    Path base = directory.resolve(dataset.name()).toAbsolutePath().normalize();
    List<TableSource> sources = DatasetSources.tables(dataset);
    for (TableSource source : sources) {
      for (ColumnDefinition c : source.definition().columns()) {
        if (c.kind() == ColumnKind.VECTOR) {
          throw new IllegalArgumentException("data set " + dataset.name() + " has the vector"
              + " column " + source.definition().name() + "." + c.name()
              + ", which CSV files cannot hold; use tpch or skew");
        }
      }
    }
    Path manifest = base.resolve(MANIFEST);
    String generator = DatasetSources.generator(dataset);
    String problem = Files.exists(manifest) ? check(manifest, dataset, generator, sources, base)
        : null;
    DemoDatabase.Action action;
    String reason;
    List<Table> tables;
    if (Files.exists(manifest) && problem == null) {
      action = DemoDatabase.Action.REUSED;
      reason = "files match " + dataset.name() + " " + dataset.parameters();
      tables = read(manifest, sources, base);
    } else {
      action = Files.exists(base) ? DemoDatabase.Action.REBUILT : DemoDatabase.Action.CREATED;
      reason = problem != null ? problem
          : Files.exists(base) ? "no complete manifest in " + base : "no files in " + base;
      deleteRecursively(base);
      tables = write(base, dataset, generator, sources, progress);
    }
    return new DatasetFiles(dataset, base, tables, new DemoDatabase.OpenReport(action, reason,
        Duration.ofNanos(System.nanoTime() - start)));
  }

  /** Returns the data set. */
  public Dataset dataset() {
    return dataset;
  }

  /** Returns the data set's directory. */
  public Path directory() {
    return directory;
  }

  /** Returns the tables, in creation order. */
  public List<Table> tables() {
    return tables;
  }

  /** Returns what {@link #open} did and why. */
  public DemoDatabase.OpenReport openReport() {
    return report;
  }

  private static List<Table> write(Path base, Dataset dataset, String generator,
      List<TableSource> sources, LoadProgressListener progress) throws IOException {
    Files.createDirectories(base);
    Properties manifest = new Properties();
    List<Table> tables = new ArrayList<>();
    for (TableSource source : sources) {
      String name = source.definition().name();
      Path dir = base.resolve(name.toLowerCase(Locale.ROOT));
      Files.createDirectories(dir);
      Path file = dir.resolve(DATA_FILE);
      long total = source.estimatedRows();
      long[] rows = {0};
      progress.rowsLoaded(name, 0, total);
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        StringBuilder line = new StringBuilder();
        source.generate(row -> {
          line.setLength(0);
          for (int i = 0; i < row.length; i++) {
            if (i > 0) {
              line.append(',');
            }
            field(line, row[i]);
          }
          line.append('\n');
          try {
            out.write(line.toString());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (++rows[0] % 10_000 == 0) {
            progress.rowsLoaded(name, rows[0], Math.max(total, rows[0] + 1));
          }
        });
      } catch (java.sql.SQLException e) {
        throw new IOException("generating " + name + " failed: " + e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      progress.rowsLoaded(name, rows[0], rows[0]);
      manifest.setProperty("table." + name + ".rows", Long.toString(rows[0]));
      manifest.setProperty("table." + name + ".bytes", Long.toString(Files.size(file)));
      tables.add(table(source, dir, rows[0]));
    }
    manifest.setProperty("layout", Integer.toString(LAYOUT_VERSION));
    manifest.setProperty("dataset", dataset.name());
    manifest.setProperty("parameters", dataset.parameters());
    manifest.setProperty("generator", generator);
    Path tmp = base.resolve(MANIFEST + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      manifest.store(out, "learned-cost demo data files; written last");
    }
    Files.move(tmp, base.resolve(MANIFEST), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return tables;
  }

  /** Appends one CSV field. */
  static void field(StringBuilder line, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      line.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          line.append('"');
        }
        line.append(c);
      }
      line.append('"');
    } else if (value instanceof BigDecimal d) {
      line.append(d.toPlainString());
    } else if (value instanceof LocalDate || value instanceof Number) {
      line.append(value);
    } else {
      throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
          + " to CSV: " + value);
    }
  }

  private static Table table(TableSource source, Path dir, long rows) {
    List<Column> columns = new ArrayList<>();
    for (ColumnDefinition c : source.definition().columns()) {
      columns.add(new Column(c.name(), c.sqlType(), c.nullable()));
    }
    return new Table(source.definition().name(), columns, dir, rows);
  }

  /** Why the files under {@code base} do not hold {@code dataset}, or null when they do. */
  private static String check(Path manifestFile, Dataset dataset, String generator,
      List<TableSource> sources, Path base) throws IOException {
    Properties m = load(manifestFile);
    String[][] expected = {
        {"layout", Integer.toString(LAYOUT_VERSION)}, {"dataset", dataset.name()},
        {"parameters", dataset.parameters()}, {"generator", generator}};
    for (String[] e : expected) {
      if (!e[1].equals(m.getProperty(e[0]))) {
        return "the manifest records " + e[0] + " " + m.getProperty(e[0]) + ", requested "
            + e[1];
      }
    }
    for (TableSource source : sources) {
      String name = source.definition().name();
      Path file = base.resolve(name.toLowerCase(Locale.ROOT)).resolve(DATA_FILE);
      String bytes = m.getProperty("table." + name + ".bytes");
      if (bytes == null || m.getProperty("table." + name + ".rows") == null) {
        return "the manifest lacks table " + name;
      }
      if (!Files.isRegularFile(file)) {
        return "file " + file + " is missing";
      }
      if (Files.size(file) != Long.parseLong(bytes)) {
        return "file " + file + " holds " + Files.size(file) + " bytes, its manifest records "
            + bytes;
      }
    }
    return null;
  }

  private static List<Table> read(Path manifestFile, List<TableSource> sources, Path base)
      throws IOException {
    Properties m = load(manifestFile);
    List<Table> tables = new ArrayList<>();
    for (TableSource source : sources) {
      String name = source.definition().name();
      tables.add(table(source, base.resolve(name.toLowerCase(Locale.ROOT)),
          Long.parseLong(m.getProperty("table." + name + ".rows"))));
    }
    return tables;
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public String toString() {
    return "DatasetFiles{" + dataset.name() + " " + dataset.parameters() + " in " + directory
        + "}";
  }
}
