package dev.learnedcost.inspector;

import dev.learnedcost.calcite.LoraRuntime;
import dev.learnedcost.calcite.LoraStateFile;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.engine.OperatorScope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lora-inspect}: shows, exports and edits a learned-state file on the command line,
 * through calcite-plugin's public {@link LoraStateFile} API. Commands: {@code show},
 * {@code export}, {@code reset-scope}, {@code forget-query}. A file that cannot be read or
 * written (no such file, a directory, damaged, in use by a runtime) is one line on stderr and
 * exit code 1; a wrong argument is one line and exit code 2; never a stack trace.
 */
@Command(name = "lora-inspect", mixinStandardHelpOptions = true,
    description = "Shows, exports and edits a learned-state file of the learned cost model"
        + " (the loraModel / stateFile of a LoraRuntime).",
    subcommands = {Inspector.Show.class, Inspector.Export.class, Inspector.ResetScope.class,
        Inspector.ForgetQuery.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the file could not be read or written, or holds no such query",
        "2:wrong arguments"})
public final class Inspector implements Runnable {
  /** Exit code: the file could not be read or written, or the query is not in it. */
  public static final int FAILED = 1;
  /** Exit code: wrong arguments. */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  /** Runs the inspector and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * Returns the inspector's command line: errors as one line ({@code lora-inspect: ...}) on
   * its error writer.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Inspector());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("lora-inspect: " + oneLine(e));
      line.getErr().flush();
      return FAILED;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine c = e.getCommandLine();
      c.getErr().println("lora-inspect: " + oneLine(e) + " (see: "
          + c.getCommandSpec().qualifiedName() + " --help)");
      c.getErr().flush();
      return USAGE;
    });
    return cl;
  }

  /** The message of a failure, on one line; its type when it has none. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      m = e.getClass().getSimpleName();
    } else if (!(e instanceof IOException) && !(e instanceof IllegalStateException)
        && !(e instanceof IllegalArgumentException)
        && !(e instanceof CommandLine.ParameterException)) {
      m = e.getClass().getSimpleName() + ": " + m;
    }
    return m.replace('\n', ' ').replace('\r', ' ');
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "name a command: show, export, reset-scope or forget-query");
  }

  /** The FILE argument every command starts with. */
  static final class StateFileArgument {
    @Parameters(index = "0", paramLabel = "FILE", description = "the learned-state file")
    Path path;

    LoraStateFile open() throws IOException {
      return LoraStateFile.open(path);
    }
  }

  /** Saves an edited file and says so. */
  static void save(LoraStateFile state, List<String> done, PrintWriter out) throws IOException {
    state.save();
    done.forEach(out::println);
    out.println("saved " + state.path() + " (format " + LoraStateFile.currentFormatVersion()
        + ")");
    out.flush();
  }

  // ---- show ------------------------------------------------------------------------------------

  /** Prints a state file for a person. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Prints the file's format, model settings, calibration, the state of each"
          + " trained scope (adapter norm, adaptations, row and cost errors) and the regression"
          + " guard's history of each query shape (runs, medians, whether it is held on its"
          + " stock plan, fallbacks).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StateFileArgument file;

    @Option(names = "--all-scopes", description = "list all 17 scopes, not only trained ones")
    boolean allScopes;

    @Override
    public Integer call() throws IOException {
      LoraStateFile state = file.open();
      PrintWriter out = spec.commandLine().getOut();
      out.print(StateText.render(state, allScopes));
      out.flush();
      return 0;
    }
  }

  // ---- export ----------------------------------------------------------------------------------

  /** Writes a state file as JSON. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Writes everything 'show' prints, for every scope and query, as JSON (NaN"
          + " as null; plan hashes as hex strings).")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StateFileArgument file;

    @Option(names = {"-o", "--output"}, paramLabel = "JSON",
        description = "write to this file instead of standard output")
    Path output;

    @Override
    public Integer call() throws IOException {
      String json = StateJson.render(file.open());
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json);
        out.flush();
      } else {
        if (Files.isDirectory(output)) {
          throw new IOException(output + ": is a directory; --output names the JSON file");
        }
        Files.writeString(output, json, StandardCharsets.UTF_8);
      }
      return 0;
    }
  }

  // ---- reset-scope -----------------------------------------------------------------------------

  /** Resets scopes of a state file. */
  @Command(name = "reset-scope", mixinStandardHelpOptions = true,
      description = "Clears the adapter and statistics of one or more scopes (they plan with"
          + " stock estimates until they learn again) and saves the file crash-safely. Refused"
          + " while a runtime has the file open.")
  static final class ResetScope implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StateFileArgument file;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "SCOPE",
        description = "scope names, any case: ${COMPLETION-CANDIDATES}",
        completionCandidates = ScopeNames.class)
    List<String> scopes;

    @Override
    public Integer call() throws IOException {
      Set<OperatorScope> parsed = new LinkedHashSet<>();
      for (String s : scopes) {
        parsed.add(scope(spec, s));
      }
      LoraStateFile state = file.open();
      List<String> done = new ArrayList<>();
      for (OperatorScope s : parsed) {
        LoraStateFile.ScopeState before = state.resetScope(s);
        done.add(String.format(Locale.ROOT, "reset %s (adapter norm %.4g -> 0; %d adaptations,"
            + " %d observations forgotten)", s.displayName(), before.adapterNorm(),
            before.stats().adaptations(), before.stats().observations()));
      }
      save(state, done, spec.commandLine().getOut());
      return 0;
    }
  }

  /** The scope names, for the help text. */
  static final class ScopeNames extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ScopeNames() {
      super(Arrays.stream(OperatorScope.values()).map(OperatorScope::displayName)
          .collect(Collectors.toList()));
    }
  }

  static OperatorScope scope(CommandSpec spec, String name) {
    for (OperatorScope s : OperatorScope.values()) {
      if (s.displayName().equalsIgnoreCase(name.trim())) {
        return s;
      }
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "unknown scope '" + name
        + "'; the scopes are " + String.join(", ", new ScopeNames()));
  }

  // ---- forget-query ----------------------------------------------------------------------------

  /** Forgets the guard's history of one query shape. */
  @Command(name = "forget-query", mixinStandardHelpOptions = true,
      description = "Forgets the regression guard's history of one query shape (named by any of"
          + " its SQL texts, or by its fingerprint as 'show' lists it) and saves the file"
          + " crash-safely: its next execution starts a new stock baseline, and a query held on"
          + " its stock plan may plan learned again. Refused while a runtime has the file open.")
  static final class ForgetQuery implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin StateFileArgument file;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** The query, by SQL or by fingerprint. */
    static final class Target {
      @Option(names = "--sql", paramLabel = "SQL",
          description = "the query's SQL (its constants may differ: they do not count)")
      String sql;

      @Option(names = "--fingerprint", paramLabel = "FP",
          description = "the query's fingerprint: 16 hex digits, as 'show' lists it")
      String fingerprint;
    }

    @Override
    public Integer call() throws IOException {
      String fp;
      if (target.sql != null) {
        if (target.sql.isBlank()) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--sql must be a query, got an empty text");
        }
        fp = LoraRuntime.fingerprint(target.sql);
      } else {
        fp = target.fingerprint.trim().toLowerCase(Locale.ROOT);
        if (!fp.matches("[0-9a-f]{16}")) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--fingerprint must be 16 hex digits, got '" + target.fingerprint + "'");
        }
      }
      LoraStateFile state = file.open();
      Optional<QueryHistory> forgotten = state.forgetQuery(fp);
      PrintWriter err = spec.commandLine().getErr();
      if (forgotten.isEmpty()) {
        err.println("lora-inspect: " + state.path() + " has no query with fingerprint " + fp
            + (target.sql != null ? " (of --sql)" : "") + "; nothing was written ('show' lists"
            + " the " + state.queries().size() + " queries it has)");
        err.flush();
        return FAILED;
      }
      QueryHistory h = forgotten.get();
      save(state, List.of("forgot query " + fp + " (planned " + h.planned() + " times, "
          + (h.guarded() ? "held on its stock plan" : "not held") + ", " + h.fallbacks()
          + " fallbacks): " + StateText.cut(h.shape(), 100)), spec.commandLine().getOut());
      return 0;
    }
  }
}
