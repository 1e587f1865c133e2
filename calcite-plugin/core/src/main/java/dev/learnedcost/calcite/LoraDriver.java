package dev.learnedcost.calcite;

import dev.learnedcost.calcite.feedback.FeedbackLoop;
import dev.learnedcost.calcite.feedback.FeedbackOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.jdbc.Driver;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A JDBC driver for {@code jdbc:calcite-lora:} URLs: a {@code jdbc:calcite:} connection whose
 * planner uses a learned model. Everything after the prefix is passed to Calcite's driver, except
 * these connection properties (in the URL, {@code key=value;...}, or in the {@code Properties}):
 * <ul>
 *   <li>{@code loraModel}: path of a model snapshot; opened if it exists, otherwise the model
 *       starts untrained (and {@link LoraCostModel#save(Path)} may write it later).</li>
 *   <li>{@code loraMode}: {@code off}, {@code shadow} or {@code on}; sets the mode of the model
 *       (shared by every connection with the same {@code loraName}).</li>
 *   <li>{@code loraName}: the name under which the model is found in {@link LoraModels}
 *       (default: the {@code loraModel} path, or {@code "default"}). A model registered there
 *       before connecting is used as it is.</li>
 *   <li>{@code loraLearn}: {@code true} to learn from every executed statement (default
 *       {@code false}): connections of that name share one {@link FeedbackLoop}, with the
 *       regression guard, reachable through {@link #loop(String)}. With {@code loraModel}, the
 *       file is then the loop's learned-state file (adapters, cost calibration, query history;
 *       see {@link FeedbackLoop#open}): loaded when the first connection opens (a damaged file is
 *       logged, kept aside, and learning starts over: it never fails the connection), saved
 *       every {@code loraSaveEvery} executions, on {@link #closeLearning(String)} and when the
 *       JVM exits normally.</li>
 *   <li>{@code loraSaveEvery}: executions between saves of a learning model, {@code >= 0}
 *       (default 100; 0 saves only on close).</li>
 * </ul>
 * Registered with {@link DriverManager} when the class loads (and through
 * {@code META-INF/services/java.sql.Driver}).
 */
public final class LoraDriver implements java.sql.Driver {
  /** URL prefix of this driver. */
  public static final String CONNECT_STRING_PREFIX = "jdbc:calcite-lora:";
  /** Property: model snapshot path. */
  public static final String MODEL_PROPERTY = "loraModel";
  /** Property: mode. */
  public static final String MODE_PROPERTY = "loraMode";
  /** Property: registry name. */
  public static final String NAME_PROPERTY = "loraName";
  /** Property: learn from executions. */
  public static final String LEARN_PROPERTY = "loraLearn";
  /** Property: executions between saves of a learning model. */
  public static final String SAVE_EVERY_PROPERTY = "loraSaveEvery";
  /** Default of {@value #SAVE_EVERY_PROPERTY}. */
  public static final int DEFAULT_SAVE_EVERY = 100;

  private static final Map<String, FeedbackLoop> LOOPS = new ConcurrentHashMap<>();
  private static final Map<FeedbackLoop, Driver> LEARNING_DRIVERS = new ConcurrentHashMap<>();

  private static final Map<LoraCostModel, Driver> DRIVERS = new ConcurrentHashMap<>();

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
    String mode = (String) props.remove(MODE_PROPERTY);
    String name = (String) props.remove(NAME_PROPERTY);
    boolean learn = parseLearn((String) props.remove(LEARN_PROPERTY));
    int saveEvery = parseSaveEvery((String) props.remove(SAVE_EVERY_PROPERTY));
    if (name == null) {
      name = path != null ? path : "default";
    }
    LoraMode parsedMode;
    try {
      parsedMode = mode == null ? null : LoraMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new SQLException(MODE_PROPERTY + ": " + e.getMessage(), e);
    }
    if (learn) {
      FeedbackLoop loop = learningLoop(name, path, parsedMode, saveEvery);
      return LEARNING_DRIVERS.computeIfAbsent(loop, LoraCalcite::driver)
          .connect(Driver.CONNECT_STRING_PREFIX, props);
    }
    LoraCostModel model;
    try {
      model = LoraModels.getOrOpen(name, () -> {
        LoraConfig config = parsedMode == null
            ? LoraConfig.defaults()
            : LoraConfig.builder().mode(parsedMode).build();
        return path == null ? LoraCostModel.create(config) : LoraCostModel.open(Path.of(path), config);
      });
    } catch (IOException e) {
      throw new SQLException("cannot open the learned model " + MODEL_PROPERTY + "=" + path
          + ": " + e.getMessage(), e);
    }
    if (parsedMode != null && model.config().mode() != parsedMode) {
      model.setMode(parsedMode);
    }
    Driver calcite = DRIVERS.computeIfAbsent(model, LoraCalcite::driver);
    return calcite.connect(Driver.CONNECT_STRING_PREFIX, props);
  }

  private static boolean parseLearn(@Nullable String value) throws SQLException {
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new SQLException(LEARN_PROPERTY + " must be true or false, got '" + value + "'");
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

  private static FeedbackLoop learningLoop(String name, @Nullable String path,
      @Nullable LoraMode mode, int saveEvery) throws SQLException {
    synchronized (LOOPS) {
      FeedbackLoop loop = LOOPS.get(name);
      if (loop == null) {
        if (LoraModels.get(name).isPresent()) {
          throw new SQLException("the model '" + name + "' is already open without learning;"
              + " open its learning connections first, or use another " + NAME_PROPERTY);
        }
        LoraConfig config = mode == null
            ? LoraConfig.defaults() : LoraConfig.builder().mode(mode).build();
        loop = path == null
            ? new FeedbackLoop(LoraCostModel.create(config))
            : FeedbackLoop.open(Path.of(path), config, FeedbackOptions.DEFAULTS, saveEvery);
        LOOPS.put(name, loop);
        LoraModels.register(name, loop.model());
        FeedbackLoop registered = loop;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(registered),
            "lora-save-" + name));
      }
      if (mode != null && loop.model().config().mode() != mode) {
        loop.model().setMode(mode);
      }
      return loop;
    }
  }

  private static void closeQuietly(FeedbackLoop loop) {
    try {
      loop.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns the feedback loop of a learning model opened with {@code loraLearn=true}. */
  public static Optional<FeedbackLoop> loop(String name) {
    return Optional.ofNullable(LOOPS.get(name));
  }

  /**
   * Stops learning for a name: closes its loop (which saves the learned state when it has a
   * file) and removes the loop and the model from the registries, so that the next learning
   * connection of that name opens the state again.
   *
   * @return whether there was such a loop
   */
  public static boolean closeLearning(String name) throws InterruptedException {
    FeedbackLoop loop;
    synchronized (LOOPS) {
      loop = LOOPS.remove(name);
      if (loop == null) {
        return false;
      }
      LoraModels.remove(name);
      LEARNING_DRIVERS.remove(loop);
    }
    loop.close();
    return true;
  }

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(CONNECT_STRING_PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[] {
      new DriverPropertyInfo(MODEL_PROPERTY, info == null ? null : info.getProperty(MODEL_PROPERTY)),
      new DriverPropertyInfo(MODE_PROPERTY, info == null ? null : info.getProperty(MODE_PROPERTY)),
      new DriverPropertyInfo(NAME_PROPERTY, info == null ? null : info.getProperty(NAME_PROPERTY)),
      new DriverPropertyInfo(LEARN_PROPERTY, info == null ? null : info.getProperty(LEARN_PROPERTY)),
      new DriverPropertyInfo(SAVE_EVERY_PROPERTY,
          info == null ? null : info.getProperty(SAVE_EVERY_PROPERTY))
    };
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
}
