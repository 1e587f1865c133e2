package dev.learnedcost.calcite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
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
    if (name == null) {
      name = path != null ? path : "default";
    }
    LoraMode parsedMode;
    try {
      parsedMode = mode == null ? null : LoraMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new SQLException(MODE_PROPERTY + ": " + e.getMessage(), e);
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

  @Override
  public boolean acceptsURL(String url) {
    return url != null && url.startsWith(CONNECT_STRING_PREFIX);
  }

  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
    return new DriverPropertyInfo[] {
      new DriverPropertyInfo(MODEL_PROPERTY, info == null ? null : info.getProperty(MODEL_PROPERTY)),
      new DriverPropertyInfo(MODE_PROPERTY, info == null ? null : info.getProperty(MODE_PROPERTY)),
      new DriverPropertyInfo(NAME_PROPERTY, info == null ? null : info.getProperty(NAME_PROPERTY))
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
