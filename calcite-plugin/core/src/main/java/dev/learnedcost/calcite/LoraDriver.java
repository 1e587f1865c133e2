package dev.learnedcost.calcite;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.jdbc.Driver;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A JDBC driver for {@code jdbc:calcite-lora:} URLs: a {@code jdbc:calcite:} connection whose
 * planner uses a learned model, with no code. Everything after the prefix is passed to Calcite's
 * driver, except these connection properties (in the URL, {@code key=value;...}, or in the
 * {@code Properties}):
 * <ul>
 *   <li>{@code loraModel}: the learned-state file (the format of {@link LoraRuntimeConfig.Builder#stateFile});
 *       loaded when the runtime opens (missing: the model starts untrained; damaged or of an
 *       old format: moved aside, logged, and the model starts untrained: it never fails the
 *       connection), saved every {@code loraSaveEvery} learned executions and when the runtime
 *       closes.</li>
 *   <li>{@code loraMode}: {@code off}, {@code shadow} or {@code on} (default on), for this
 *       connection only.</li>
 *   <li>{@code loraLearn}: {@code true} to learn from every statement this connection
 *       executes, through the regression guard (default {@code false}: it plans with the model,
 *       and follows the guard's fallbacks, but teaches nothing). For this connection only.</li>
 *   <li>{@code loraName}: a name of the runtime (default: the {@code loraModel} path, or
 *       {@code "default"}); {@link #runtime(String)} reaches it.</li>
 *   <li>{@code loraSaveEvery}: learned executions between saves, {@code >= 0} (default 100; 0
 *       saves only on close). Set by the connection that opens the runtime.</li>
 *   <li>{@code loraSaveOnExit}: {@code true} or {@code false} (default {@code true} with a
 *       {@code loraModel}): a JVM shutdown hook closes, and so saves, the runtime if
 *       connections are still open when the JVM exits; it is removed when the runtime closes.
 *       Set by the connection that opens the runtime.</li>
 *   <li>{@code loraJmx}: {@code true} or {@code false} (default {@code true}): the runtime
 *       registers its JMX MBeans, named by {@code loraName}, while it is open. Set by the
 *       connection that opens the runtime.</li>
 * </ul>
 *
 * <h2>One runtime per state file, counted by connections</h2>
 * Connections with the same {@code loraModel} file (or, without one, the same {@code loraName})
 * share one {@link LoraRuntime}, whatever names they give it; a name names one runtime at a
 * time. The first connection opens it (loading the file); the last one to close closes it: the
 * learner drains its queue, the state is saved once and the runtime is forgotten, so the next
 * connection opens the file again. A runtime without a {@code loraModel} file keeps what it
 * learned only while connections use it. A state file belongs to one runtime in any process (a
 * lock file beside it).
 *
 * <p>Registered with {@link DriverManager} when the class loads (and through
 * {@code META-INF/services/java.sql.Driver}).
 */
public final class LoraDriver implements java.sql.Driver {
  /** URL prefix of this driver. */
  public static final String CONNECT_STRING_PREFIX = "jdbc:calcite-lora:";
  /** Property: the learned-state file. */
  public static final String MODEL_PROPERTY = "loraModel";
  /** Property: the connection's mode. */
  public static final String MODE_PROPERTY = "loraMode";
  /** Property: the runtime's name. */
  public static final String NAME_PROPERTY = "loraName";
  /** Property: whether the connection learns. */
  public static final String LEARN_PROPERTY = "loraLearn";
  /** Property: executions between saves. */
  public static final String SAVE_EVERY_PROPERTY = "loraSaveEvery";
  /** Property: whether a shutdown hook saves the runtime at JVM exit. */
  public static final String SAVE_ON_EXIT_PROPERTY = "loraSaveOnExit";
  /** Property: whether the runtime registers its JMX MBeans. */
  public static final String JMX_PROPERTY = "loraJmx";
  /** Default of {@value #SAVE_EVERY_PROPERTY}. */
  public static final int DEFAULT_SAVE_EVERY = LoraRuntimeConfig.DEFAULT_SAVE_EVERY;

  private static final Cleaner CLEANER = Cleaner.create();

  static {
    try {
      DriverManager.registerDriver(new LoraDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Creates the driver (the class registers one instance itself). */
  public LoraDriver() {}

  @Override
  public @Nullable Connection connect(String url, @Nullable Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties props = new Properties();
    if (info != null) {
      props.putAll(info);
    }
    props = ConnectStringParser.parse(url.substring(CONNECT_STRING_PREFIX.length()), props);
    String path = (String) props.remove(MODEL_PROPERTY);
    String modeText = (String) props.remove(MODE_PROPERTY);
    String name = (String) props.remove(NAME_PROPERTY);
    boolean learn = parseBoolean(LEARN_PROPERTY, (String) props.remove(LEARN_PROPERTY), false);
    int saveEvery = parseSaveEvery((String) props.remove(SAVE_EVERY_PROPERTY));
    boolean saveOnExit = parseBoolean(SAVE_ON_EXIT_PROPERTY,
        (String) props.remove(SAVE_ON_EXIT_PROPERTY), path != null);
    boolean jmx = parseBoolean(JMX_PROPERTY, (String) props.remove(JMX_PROPERTY), true);
    LoraMode mode;
    try {
      mode = modeText == null ? LoraMode.ON : LoraMode.parse(modeText);
    } catch (IllegalArgumentException e) {
      throw new SQLException(MODE_PROPERTY + ": " + e.getMessage(), e);
    }
    Path file = path == null ? null : canonical(path);
    if (name == null) {
      name = path != null ? path : "default";
    }
    LoraRuntimeConfig config;
    try {
      config = LoraRuntimeConfig.builder().name(name).jmxEnabled(jmx).stateFile(file)
          .saveEvery(saveEvery).saveOnShutdown(saveOnExit && file != null).build();
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), e);
    }
    String runtimeName = name;
    RuntimeRegistry.Lease lease = RuntimeRegistry.INSTANCE.acquire(name, file, config,
        () -> open(runtimeName, config));
    try {
      Connection c = new LeaseDriver(lease, mode, learn)
          .connect(Driver.CONNECT_STRING_PREFIX, props);
      // A connection the application never closes releases its runtime when collected.
      CLEANER.register(c, lease::release);
      return c;
    } catch (SQLException | Error e) {
      lease.release();
      throw e;
    } catch (RuntimeException e) {
      lease.release();
      // Calcite reports a model file it cannot load (a schema factory's error) as a
      // RuntimeException; JDBC tools expect an SQLException, and the cause says what is wrong.
      throw new SQLException(describe(e), e);
    }
  }

  /** The first and the innermost message of a failure's chain: what failed, and why. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String first = String.valueOf(e.getMessage());
    String last = root.getMessage();
    return root == e || last == null || first.contains(last) ? first : first + ": " + last;
  }

  private static LoraRuntime open(String name, LoraRuntimeConfig config) throws SQLException {
    try {
      return LoraRuntime.open(config);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new SQLException("cannot open the learned-cost runtime '" + name + "': "
          + e.getMessage(), e);
    }
  }

  /** The absolute, normalized path of a state file (its directory resolved when it exists). */
  private static Path canonical(String path) throws SQLException {
    Path p;
    try {
      p = Path.of(path).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      throw new SQLException(MODEL_PROPERTY + " must be a file path, got '" + path + "': "
          + e.getMessage(), e);
    }
    if (Files.isDirectory(p)) {
      throw new SQLException(MODEL_PROPERTY + " must name a file, got the directory '" + path
          + "'");
    }
    Path dir = p.getParent();
    if (dir != null && Files.isDirectory(dir)) {
      try {
        return dir.toRealPath().resolve(p.getFileName());
      } catch (IOException e) {
        return p;
      }
    }
    return p;
  }

  private static boolean parseBoolean(String property, @Nullable String value, boolean dflt)
      throws SQLException {
    if (value == null) {
      return dflt;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new SQLException(property + " must be true or false, got '" + value + "'");
  }

  private static int parseSaveEvery(@Nullable String value) throws SQLException {
    if (value == null) {
      return DEFAULT_SAVE_EVERY;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SQLException(
        SAVE_EVERY_PROPERTY + " must be an integer >= 0, got '" + value + "'");
  }

  /**
   * Returns the open runtime of a name: its statistics, history and trace. A host that closes
   * it closes it for every connection of the name (as {@link #closeLearning} does).
   */
  public static Optional<LoraRuntime> runtime(String name) {
    return RuntimeRegistry.INSTANCE.runtime(name);
  }

  /**
   * Closes the runtime of a name now: its learner drains, its state is saved once, and it is
   * forgotten; connections of the name still open move to a new runtime, opened from the saved
   * state, at their next statement.
   *
   * @return whether the name had a runtime
   */
  public static boolean closeLearning(String name) {
    return RuntimeRegistry.INSTANCE.close(name);
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(CONNECT_STRING_PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    String[] names = {MODEL_PROPERTY, MODE_PROPERTY, NAME_PROPERTY, LEARN_PROPERTY,
        SAVE_EVERY_PROPERTY, SAVE_ON_EXIT_PROPERTY, JMX_PROPERTY};
    DriverPropertyInfo[] out = new DriverPropertyInfo[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = new DriverPropertyInfo(names[i],
          info == null ? null : info.getProperty(names[i]));
    }
    return out;
  }

  @Override
  public int getMajorVersion() {
    return 0;
  }

  @Override
  public int getMinorVersion() {
    return 1;
  }

  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("LoraDriver logs through SLF4J");
  }

  /**
   * Calcite's driver for one connection of a lease: statements plan with the lease's current
   * runtime, and closing the connection releases the lease.
   */
  private static final class LeaseDriver extends Driver {
    private final RuntimeRegistry.Lease lease;

    LeaseDriver(RuntimeRegistry.Lease lease, LoraMode mode, boolean learn) {
      super(() -> new LoraPrepare(lease.current(), mode, learn));
      this.lease = lease;
    }

    /** Called by Avatica's constructor, before {@link #lease} is set; read only later. */
    @Override
    protected Handler createHandler() {
      Handler base = super.createHandler();
      return new Handler() {
        @Override
        public void onConnectionInit(AvaticaConnection connection) throws SQLException {
          base.onConnectionInit(connection);
        }

        @Override
        public void onConnectionClose(AvaticaConnection connection) {
          try {
            base.onConnectionClose(connection);
          } finally {
            lease.release();
          }
        }

        @Override
        public void onStatementExecute(AvaticaStatement statement, ResultSink resultSink) {
          base.onStatementExecute(statement, resultSink);
        }

        @Override
        public void onStatementClose(AvaticaStatement statement) {
          base.onStatementClose(statement);
        }
      };
    }
  }
}
