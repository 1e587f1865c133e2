package dev.learnedcost.tests.sqlline;

import dev.learnedcost.calcite.LoraDriver;
import dev.learnedcost.calcite.LoraJdbcSchemaFactory;
import dev.learnedcost.examples.DemoDatabase;
import dev.learnedcost.examples.TpchDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;
import sqlline.SqlLine;

/**
 * One command to a learning sqlline session: generates TPC-H into an H2 file database (or
 * reuses it), writes a Calcite model file naming {@link LoraJdbcSchemaFactory} over it, and
 * starts sqlline, the unmodified client, on
 * {@code jdbc:calcite-lora:model=<model>;loraLearn=true;loraModel=<state file>;loraName=sqlline}.
 * Every statement of the session plans with the learned model and teaches it; quitting saves
 * the state file, which the next session loads. Arguments it does not know go to sqlline
 * ({@code --run=script.sql}, {@code --outputformat=csv}, ...).
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp tests/target/benchmarks.jar dev.learnedcost.tests.sqlline.SqllineSession
 * </pre>
 */
@Command(name = "sqlline-session", mixinStandardHelpOptions = true,
    description = "Starts sqlline on a learning jdbc:calcite-lora: connection over TPC-H in H2.")
public final class SqllineSession implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = "target/sqlline", paramLabel = "DIR",
      description = "where the database, model file and state file live (default"
          + " ${DEFAULT-VALUE}, relative to the working directory)")
  Path dir;

  @Option(names = "--scale", defaultValue = "0.01", paramLabel = "SF",
      description = "TPC-H scale factor of the database (default ${DEFAULT-VALUE})")
  double scale;

  @Unmatched List<String> sqllineArgs = new ArrayList<>();

  /** Starts the session and exits with sqlline's status. */
  public static void main(String[] args) {
    // Warnings only from the plugin's log, before anything creates a logger.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.exit(new CommandLine(new SqllineSession()).execute(args));
  }

  @Override
  public Integer call() throws IOException, SQLException {
    PrintStream err = System.err;
    Path base = dir.toAbsolutePath().normalize();
    if (!(scale > 0) || scale > TpchDataset.MAX_SCALE_FACTOR) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--scale must be in (0, "
          + TpchDataset.MAX_SCALE_FACTOR + "], got " + scale);
    }
    err.println("preparing TPC-H (scale " + scale + ") in " + base + " ...");
    String jdbcUrl;
    try (DemoDatabase db = DemoDatabase.open(base, new TpchDataset(scale))) {
      jdbcUrl = db.jdbcUrl();
      err.println("database: " + db.openReport().action() + " " + db.databaseFile());
    }
    Path model = writeModel(base.resolve("model.json"), "TPCH", jdbcUrl, DemoDatabase.USER,
        DemoDatabase.PASSWORD);
    String url = url(model, base.resolve("learned.lcfs"), "sqlline");
    err.println("model file: " + model);
    err.println("connecting: " + url);
    err.println("every statement teaches the model; !quit saves " + base.resolve("learned.lcfs")
        + " (inspect it with lora-inspect show)");
    List<String> args = new ArrayList<>(List.of("-u", url, "-n", "", "-p", ""));
    args.addAll(sqllineArgs);
    return SqlLine.start(args.toArray(String[]::new), null, true).ordinal();
  }

  /**
   * Writes a model file with one schema over a JDBC database through
   * {@link LoraJdbcSchemaFactory} (scans, filters and projections in the database), the
   * schema's tables in the database's {@code PUBLIC} schema.
   */
  public static Path writeModel(Path file, String schema, String jdbcUrl, String user,
      String password) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    String json = "{\n"
        + "  \"version\": \"1.0\",\n"
        + "  \"defaultSchema\": \"" + schema + "\",\n"
        + "  \"schemas\": [{\n"
        + "    \"name\": \"" + schema + "\",\n"
        + "    \"type\": \"custom\",\n"
        + "    \"factory\": \"" + LoraJdbcSchemaFactory.class.getName() + "\",\n"
        + "    \"operand\": {\n"
        + "      \"jdbcUrl\": \"" + json(jdbcUrl) + "\",\n"
        + "      \"jdbcUser\": \"" + json(user) + "\",\n"
        + "      \"jdbcPassword\": \"" + json(password) + "\",\n"
        + "      \"jdbcSchema\": \"PUBLIC\",\n"
        + "      \"pushdown\": \"scan\"\n"
        + "    }\n"
        + "  }]\n"
        + "}\n";
    return Files.writeString(file, json);
  }

  /** The learning URL of a model file and a state file. */
  public static String url(Path model, Path stateFile, String name) {
    return LoraDriver.CONNECT_STRING_PREFIX + "model=" + model.toAbsolutePath() + ";"
        + LoraDriver.LEARN_PROPERTY + "=true;" + LoraDriver.MODEL_PROPERTY + "="
        + stateFile.toAbsolutePath() + ";" + LoraDriver.NAME_PROPERTY + "=" + name;
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
