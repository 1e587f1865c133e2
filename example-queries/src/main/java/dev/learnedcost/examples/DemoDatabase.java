package dev.learnedcost.examples;

import dev.learnedcost.examples.internal.DatabaseBuilder;
import dev.learnedcost.examples.internal.DatasetSources;
import dev.learnedcost.examples.internal.ManifestStore;
import dev.learnedcost.examples.internal.TableDefinition;
import dev.learnedcost.examples.internal.TableSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.DeleteDbFiles;

/**
 * An embedded H2 file database holding one {@link Dataset}, generated on first use and reused
 * afterwards.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>Location: {@code <directory>/<dataset name>.mv.db}, one database per data set; the
 *       directory belongs to the demo, which deletes and recreates these files at will; the
 *       data lives in H2's {@code PUBLIC} schema, table and column names upper case, so SQL
 *       with unquoted names works the same in H2 and in Calcite.</li>
 *   <li>Reuse: {@link #open} reuses the file only if it opens, its manifest (written last, after
 *       {@code ANALYZE}) matches the requested data set, parameters and generator version, and
 *       every table holds the recorded row count with all its indexes. Anything else (no file, a
 *       load that did not finish, a file H2 cannot open, a dropped table, other parameters) is
 *       reported in {@link #openReport()} and through {@link System.Logger} and the database is
 *       deleted and rebuilt from scratch. A file locked by another process is never deleted:
 *       {@code open} fails instead.</li>
 *   <li>Timing honesty: the URL sets {@code OPTIMIZE_REUSE_RESULTS=FALSE}; otherwise H2 answers
 *       a repeated query from its result cache in about 1 ms and every measurement lies.</li>
 *   <li>Lifetime: the instance keeps one connection open until {@link #close()}, so the
 *       database stays open between queries instead of being reopened (and its caches
 *       dropped) whenever the last query connection closes.</li>
 *   <li>Threads: {@code open} is serialised per database file within the JVM; several
 *       instances may share an intact database, but one that must be rebuilt while another
 *       instance has it open is refused. An instance is immutable apart from {@code close}, and
 *       {@link #connect()} may be called from any thread.</li>
 * </ul>
 */
public final class DemoDatabase implements AutoCloseable {

  /** The H2 user. */
  public static final String USER = "sa";

  /** The H2 password (empty: the database is a local, generated demo). */
  public static final String PASSWORD = "";

  /** Settings appended to every JDBC URL. */
  public static final String URL_SETTINGS = ";OPTIMIZE_REUSE_RESULTS=FALSE";

  private static final System.Logger LOG = System.getLogger(DemoDatabase.class.getName());
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();
  /** Open instances per database base path in this JVM, guarded by that path's lock. */
  private static final Map<Path, Integer> OPEN_INSTANCES = new ConcurrentHashMap<>();

  /** What {@link #open} did. */
  public enum Action {
    /** An intact database was found and reused. */
    REUSED,
    /** There was no database file; a new one was generated. */
    CREATED,
    /** A database file was there but unusable; it was deleted and generated again. */
    REBUILT
  }

  /**
   * What {@link #open} found and did.
   *
   * @param action reuse, creation or rebuild
   * @param reason why: for a rebuild, what was wrong with the old database
   * @param elapsed time spent in {@code open}, including any generation
   */
  public record OpenReport(Action action, String reason, Duration elapsed) {
  }

  private final Dataset dataset;
  private final Path directory;
  private final Path base;
  private final String url;
  private final DatasetManifest manifest;
  private final OpenReport report;
  private final Connection keepAlive;

  private DemoDatabase(Dataset dataset, Path directory, String url, DatasetManifest manifest,
      OpenReport report, Connection keepAlive) {
    this.dataset = dataset;
    this.directory = directory;
    this.base = directory.resolve(dataset.name());
    OPEN_INSTANCES.merge(base, 1, Integer::sum);
    this.url = url;
    this.manifest = manifest;
    this.report = report;
    this.keepAlive = keepAlive;
  }

  /** Returns {@code target/demo-data}, relative to the working directory. */
  public static Path defaultDirectory() {
    return Path.of("target", "demo-data");
  }

  /**
   * Opens the data set's database in {@code directory}, generating it if needed, without
   * progress reporting.
   *
   * @see #open(Path, Dataset, LoadProgressListener)
   */
  public static DemoDatabase open(Path directory, Dataset dataset)
      throws IOException, SQLException {
    return open(directory, dataset, LoadProgressListener.NONE);
  }

  /**
   * Opens the data set's database in {@code directory}: reuses it if intact, otherwise
   * (re)generates it, reporting progress to {@code listener}.
   *
   * @param directory where the database file lives; created if missing; its path must not
   *     contain {@code ;}, which would end H2's URL
   * @param dataset what the database must hold
   * @param listener receives load progress; called only if the data is generated
   * @return the open database; close it when done
   * @throws IllegalArgumentException if {@code directory} contains {@code ;} or is a file
   * @throws IllegalStateException if the database must be rebuilt while another instance in
   *     this JVM has it open (close that one first)
   * @throws IOException if the directory cannot be created or a damaged file cannot be deleted
   * @throws SQLException if H2 fails while generating, or the file is in use by another process
   */
  public static DemoDatabase open(Path directory, Dataset dataset, LoadProgressListener listener)
      throws IOException, SQLException {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(listener, "listener");
    Path dir = directory.toAbsolutePath().normalize();
    if (dir.toString().indexOf(';') >= 0) {
      throw new IllegalArgumentException("directory must not contain ';' (it would end the H2"
          + " URL), got " + dir + "; pass another directory");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("directory must be a directory, got the file " + dir);
    }
    Files.createDirectories(dir);
    Path base = dir.resolve(dataset.name());
    String url = "jdbc:h2:file:" + base + URL_SETTINGS;
    Object lock = LOCKS.computeIfAbsent(base, p -> new Object());
    synchronized (lock) {
      return openLocked(dataset, dir, url, listener);
    }
  }

  private static DemoDatabase openLocked(Dataset dataset, Path dir, String url,
      LoadProgressListener listener) throws IOException, SQLException {
    long start = System.nanoTime();
    List<TableSource> sources = DatasetSources.tables(dataset);
    List<TableDefinition> tables = sources.stream().map(TableSource::definition).toList();
    DatasetManifest expected = new DatasetManifest(ManifestStore.FORMAT_VERSION, dataset.name(),
        dataset.parameters(), DatasetSources.generator(dataset), Instant.EPOCH, Map.of());
    Path file = dir.resolve(dataset.name() + ".mv.db");

    String problem;
    Action action;
    if (!Files.exists(file)) {
      action = Action.CREATED;
      problem = "there is no database file " + file;
    } else {
      action = Action.REBUILT;
      Connection connection = null;
      String openFailure = null;
      try {
        connection = DriverManager.getConnection(url + ";IFEXISTS=TRUE", USER, PASSWORD);
      } catch (SQLException e) {
        if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
          throw new SQLException("database file " + file + " is in use by another process;"
              + " stop that process or pass another directory", e.getSQLState(),
              e.getErrorCode(), e);
        }
        if (e.getErrorCode() == ErrorCode.WRONG_USER_OR_PASSWORD) {
          // Readable but not ours (another user): never delete someone else's database.
          throw new SQLException("database file " + file + " was not created by this demo (H2"
              + " rejects user " + USER + "); pass another directory", e.getSQLState(),
              e.getErrorCode(), e);
        }
        openFailure = "H2 cannot open " + file + ": " + firstLine(e.getMessage());
      }
      if (connection == null) {
        problem = openFailure;
      } else {
        Optional<String> found;
        DatasetManifest recorded = null;
        try {
          ManifestStore.Read read = ManifestStore.read(connection);
          if (read.manifest().isPresent()) {
            recorded = read.manifest().get();
            found = ManifestStore.verify(connection, recorded, expected, tables);
          } else {
            found = Optional.of(read.problem());
          }
        } catch (SQLException e) {
          found = Optional.of("H2 fails reading " + file + ": " + firstLine(e.getMessage()));
        }
        if (found.isEmpty()) {
          OpenReport report = new OpenReport(Action.REUSED,
              "manifest, row counts and indexes match", Duration.ofNanos(System.nanoTime() - start));
          return new DemoDatabase(dataset, dir, url, recorded, report, connection);
        }
        closeQuietly(connection);
        problem = "database " + file + " is not reusable: " + found.get();
      }
    }
    if (OPEN_INSTANCES.getOrDefault(dir.resolve(dataset.name()), 0) > 0) {
      throw new IllegalStateException("database " + file + " must be rebuilt because " + problem
          + ", but another DemoDatabase in this JVM has it open; close that one first");
    }
    LOG.log(System.Logger.Level.INFO, "Generating data set {0} ({1}) because {2}",
        dataset.name(), dataset.parameters(), problem);
    delete(dir, dataset.name(), file);
    Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
    try {
      ManifestStore.createEmpty(connection);
      Map<String, Long> rows = DatabaseBuilder.build(connection, sources, listener);
      DatasetManifest manifest = new DatasetManifest(expected.formatVersion(), expected.dataset(),
          expected.parameters(), expected.generator(), Instant.now(), rows);
      ManifestStore.write(connection, manifest);
      listener.phaseStarted("verify");
      Optional<String> check = ManifestStore.verify(connection, manifest, expected, tables);
      if (check.isPresent()) {
        throw new IllegalStateException("database " + file
            + " failed verification right after it was generated: " + check.get());
      }
      OpenReport report =
          new OpenReport(action, problem, Duration.ofNanos(System.nanoTime() - start));
      return new DemoDatabase(dataset, dir, url, manifest, report, connection);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      try {
        DeleteDbFiles.execute(dir.toString(), dataset.name(), true);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void delete(Path dir, String name, Path file) throws IOException {
    try {
      DeleteDbFiles.execute(dir.toString(), name, true);
    } catch (RuntimeException e) {
      throw new IOException("cannot delete the unusable database " + file + ": " + e.getMessage(),
          e);
    }
    if (Files.exists(file)) {
      throw new IOException("cannot delete the unusable database " + file
          + "; delete it by hand or pass another directory");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a connection to a database we are about to delete or abandon: nothing to do.
    }
  }

  /** Returns the data set this database holds. */
  public Dataset dataset() {
    return dataset;
  }

  /** Returns the absolute directory holding the database file. */
  public Path directory() {
    return directory;
  }

  /** Returns the database file, {@code <directory>/<dataset name>.mv.db}. */
  public Path databaseFile() {
    return directory.resolve(dataset.name() + ".mv.db");
  }

  /**
   * Returns the JDBC URL, including {@link #URL_SETTINGS}; connect with {@link #USER} and
   * {@link #PASSWORD}.
   */
  public String jdbcUrl() {
    return url;
  }

  /** Returns the manifest: parameters, creation time and row count of every table. */
  public DatasetManifest manifest() {
    return manifest;
  }

  /** Returns what {@link #open} found and did. */
  public OpenReport openReport() {
    return report;
  }

  /**
   * Returns a new data source for this database, e.g. for Calcite's {@code JdbcSchema}; its
   * default schema is {@code PUBLIC}, where the tables are.
   */
  public DataSource dataSource() {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL(url);
    source.setUser(USER);
    source.setPassword(PASSWORD);
    return source;
  }

  /**
   * Opens a new connection; the caller closes it.
   *
   * @throws IllegalStateException if this database was closed
   * @throws SQLException if H2 refuses the connection
   */
  public Connection connect() throws SQLException {
    if (keepAlive.isClosed()) {
      throw new IllegalStateException("database " + databaseFile() + " was closed;"
          + " open it again with DemoDatabase.open");
    }
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  /**
   * Releases the connection that keeps the database open; H2 closes the database when no
   * connection is left. Idempotent.
   *
   * @throws SQLException if H2 fails to close the connection
   */
  @Override
  public void close() throws SQLException {
    synchronized (LOCKS.get(base)) {
      if (keepAlive.isClosed()) {
        return;
      }
      OPEN_INSTANCES.computeIfPresent(base, (path, count) -> count == 1 ? null : count - 1);
      keepAlive.close();
    }
  }

  @Override
  public String toString() {
    return "DemoDatabase[" + dataset.name() + " " + dataset.parameters() + " at "
        + databaseFile() + "]";
  }
}
