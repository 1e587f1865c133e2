package dev.learnedcost.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.learnedcost.examples.run.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The console progress of both demos, as a CI job sees it (no terminal under Surefire). */
class ConsoleProgressTest {

  @Test
  void rounds_withoutTerminal_oneLinePerRound() {
    StringWriter text = new StringWriter();
    ConsoleProgress.Rounds progress = ConsoleProgress.rounds(true, new PrintWriter(text));

    progress.roundStarted(1, 2, 5);
    progress.executing("tpch", "q01", Engine.STOCK);
    progress.executed();
    progress.roundFinished();

    assertEquals("round 1/2: 5 executions..." + System.lineSeparator(), text.toString());
  }

  @Test
  void rounds_disabled_none() {
    assertSame(ConsoleProgress.Rounds.NONE,
        ConsoleProgress.rounds(false, new PrintWriter(new StringWriter())));
  }

  @Test
  void load_withoutTerminal_oneLinePerTableAndPhase() {
    StringWriter text = new StringWriter();
    try (ConsoleProgress.Load load = ConsoleProgress.load("write", true, new PrintWriter(text))) {
      load.rowsLoaded("NATION", 0, 25);
      load.rowsLoaded("NATION", 25, 25);
      load.phaseStarted("create indexes");
    }

    String nl = System.lineSeparator();
    assertEquals("  write NATION: 25 rows" + nl + "  create indexes..." + nl, text.toString());
  }

  @Test
  void load_disabled_printsNothing() {
    StringWriter text = new StringWriter();
    try (ConsoleProgress.Load load = ConsoleProgress.load("load", false, new PrintWriter(text))) {
      load.rowsLoaded("NATION", 25, 25);
      load.phaseStarted("analyze");
    }

    assertEquals("", text.toString());
  }
}
