package dev.learnedcost.examples.report;

import dev.learnedcost.examples.LoadProgressListener;
import dev.learnedcost.examples.run.Engine;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A demo's progress on the console, the same for every engine's demo: progress bars on a
 * terminal; elsewhere (a CI job, output piped to a file, where every redraw of a bar would be a
 * line of its own) one line per round and per loaded table; nothing with {@code --no-progress}.
 * Bars go to {@code System.err} (they need a stream, not a writer); lines to the given writer.
 */
public final class ConsoleProgress {

  private ConsoleProgress() {}

  /**
   * Progress of the rounds of a workload: one step per query execution. Every method does
   * nothing unless overridden.
   */
  public interface Rounds {
    /** A round starts; {@code steps} executions follow. */
    default void roundStarted(int round, int rounds, long steps) {}

    /** One execution is about to start. */
    default void executing(String dataset, String query, Engine engine) {}

    /** One execution ended. */
    default void executed() {}

    /** The round ended. */
    default void roundFinished() {}

    /** Progress that reports nothing. */
    Rounds NONE = new Rounds() { };
  }

  /** Whether the JVM's standard streams are a terminal (JDK 22+: {@code Console.isTerminal}). */
  public static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true; // before JDK 22 a console exists only for a terminal
    }
  }

  /**
   * Returns the progress of a workload's rounds: a bar per round on a terminal, else a line per
   * round on {@code err}; {@link Rounds#NONE} when not {@code enabled}.
   */
  public static Rounds rounds(boolean enabled, PrintWriter err) {
    Objects.requireNonNull(err, "err");
    if (!enabled) {
      return Rounds.NONE;
    }
    if (!isTerminal()) {
      return new Rounds() {
        @Override
        public void roundStarted(int round, int rounds, long steps) {
          err.printf(Locale.ROOT, "round %d/%d: %d executions...%n", round, rounds, steps);
          err.flush();
        }
      };
    }
    return new Rounds() {
      private ProgressBar bar;

      @Override
      public void roundStarted(int round, int rounds, long steps) {
        bar = bar("round " + round + "/" + rounds, steps, System.err);
      }

      @Override
      public void executing(String dataset, String query, Engine engine) {
        bar.setExtraMessage(dataset + "/" + query + " on " + engine.label());
      }

      @Override
      public void executed() {
        bar.step();
      }

      @Override
      public void roundFinished() {
        bar.close();
      }
    };
  }

  /**
   * Returns the progress of loading or writing a data set: a bar per table on a terminal, else
   * a line per table on {@code err}, and a line per load phase; nothing when not
   * {@code enabled}. Close it when loading ends, failed or not.
   *
   * @param verb what is done to a table, as the bar and line name it: {@code load},
   *     {@code write}
   */
  public static Load load(String verb, boolean enabled, PrintWriter err) {
    return new Load(Objects.requireNonNull(verb, "verb"), enabled && isTerminal()
        ? System.err : null, Objects.requireNonNull(err, "err"), enabled);
  }

  private static ProgressBar bar(String task, long max, PrintStream stream) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
        .setConsumer(new ConsoleProgressBarConsumer(stream, 100)).build();
  }

  /** Load progress: one bar per table, or one line per table; a line per load phase. */
  public static final class Load implements LoadProgressListener, AutoCloseable {
    private final String verb;
    private final PrintStream stream;
    private final PrintWriter err;
    private final boolean lines;
    private ProgressBar bar;
    private String table;

    private Load(String verb, PrintStream stream, PrintWriter err, boolean lines) {
      this.verb = verb;
      this.stream = stream;
      this.err = err;
      this.lines = lines;
    }

    @Override
    public void rowsLoaded(String name, long rowsDone, long rowsTotal) {
      if (stream == null) {
        if (lines && rowsDone == rowsTotal) {
          err.printf(Locale.ROOT, "  %s %s: %,d rows%n", verb, name, rowsTotal);
          err.flush();
        }
        return;
      }
      if (!name.equals(table)) {
        close();
        table = name;
        bar = bar(verb + " " + name, rowsTotal, stream);
      }
      bar.maxHint(rowsTotal);
      bar.stepTo(rowsDone);
      if (rowsDone == rowsTotal) {
        close();
      }
    }

    @Override
    public void phaseStarted(String phase) {
      close();
      if (lines) {
        err.println("  " + phase + "...");
        err.flush();
      }
    }

    /** Closes the current bar, if any. */
    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
