package dev.learnedcost.examples.internal;

import dev.learnedcost.examples.run.Engine;
import dev.learnedcost.examples.run.QueryRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The {@code --report} page: one self-contained {@code report.html} with the learning curves as
 * PNG images embedded in {@code data:} URIs (rendered by XChart, headless), the summary, a table
 * per round, problems, the plans that changed with the learned corrections, and the learning
 * statistics as printed on the console.
 */
public final class HtmlReport {
  /** The report's file name inside the report directory. */
  public static final String FILE_NAME = "report.html";

  private static final int WIDTH = 900;
  private static final int HEIGHT = 480;

  private HtmlReport() {}

  /**
   * Everything the report shows.
   *
   * @param title one line, e.g. the command's arguments
   * @param engines engines that ran
   * @param rounds every round
   * @param summary the totals
   * @param loadFailures query files that could not be read
   * @param learning the console's learning statistics, or empty when the learned engine did not
   *     run
   */
  public record Content(String title, Set<Engine> engines, List<RoundResult> rounds,
      RunSummary summary, List<String> loadFailures, String learning) {}

  /**
   * Writes {@code report.html} into {@code directory}, creating it.
   *
   * @return the report file
   * @throws IOException if writing fails
   */
  public static Path write(Path directory, Content content) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    Files.writeString(file, html(content), StandardCharsets.UTF_8);
    return file;
  }

  static String html(Content c) throws IOException {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Learned cost demo report</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}")
        .append(".bad{color:#b00;font-weight:bold}pre{background:#f6f6f6;padding:8px;")
        .append("overflow-x:auto;font-size:12px}</style></head><body>\n");
    h.append("<h1>Learned cost demo report</h1>\n<p>").append(esc(c.title()))
        .append("<br>generated ").append(Instant.now()).append("</p>\n");

    RunSummary s = c.summary();
    h.append("<h2>Summary</h2>\n<table><tr><th>measure</th><th>value</th></tr>\n");
    for (Engine e : c.engines()) {
      row(h, e.label() + " total ms (all rounds)", ms(total(s, e)));
    }
    if (c.engines().contains(Engine.STOCK) && c.engines().contains(Engine.LEARNED)) {
      row(h, "last round stock ms", ms(s.lastRoundStockMs()));
      row(h, "last round learned ms", ms(s.lastRoundLearnedMs()));
      row(h, "speedup vs stock (last round)",
          String.format(Locale.ROOT, "%.2fx", s.speedupVsStock()));
      row(h, "regressions (learned > " + RunSummary.REGRESSION_FACTOR + "x stock)",
          Integer.toString(s.regressions()));
    }
    row(h, "result mismatches", Integer.toString(s.resultMismatches()));
    row(h, "timeouts", Integer.toString(s.timeouts()));
    row(h, "failures", Integer.toString(s.failures()));
    h.append("</table>\n");
    if (s.failed()) {
      h.append("<p class=\"bad\">The run had mismatches, failures or timeouts; see below.</p>\n");
    }

    h.append("<h2>Learning curve</h2>\n<p>Total latency per round of the queries that completed;"
        + " then each query's latency per round, one chart per engine (logarithmic axis).</p>\n");
    image(h, totalChart(c), "total latency per round");
    for (Engine e : c.engines()) {
      image(h, perQueryChart(c, e), e.label() + " latency per query and round");
    }

    for (RoundResult round : c.rounds()) {
      h.append("<h2>Round ").append(round.round()).append("</h2>\n<table><tr><th>query</th>");
      for (Engine e : c.engines()) {
        h.append("<th>").append(e.label()).append(" ms</th>");
      }
      h.append("<th>plan changed</th><th>result check</th></tr>\n");
      for (RoundResult.Row row : round.rows()) {
        h.append("<tr><td>").append(esc(ConsoleReport.label(row))).append("</td>");
        for (Engine e : c.engines()) {
          QueryRun run = row.run(e);
          boolean bad = run != null && !run.ok();
          h.append(bad ? "<td class=\"bad\">" : "<td>").append(esc(ConsoleReport.cell(run)))
              .append("</td>");
        }
        h.append("<td>").append(row.planChanged() == null ? "-" : row.planChanged() ? "yes" : "no")
            .append("</td>");
        String check = ConsoleReport.check(row);
        h.append(row.mismatches().isEmpty() ? "<td>" : "<td class=\"bad\">").append(esc(check))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
      List<String> problems = new ArrayList<>();
      for (RoundResult.Row row : round.rows()) {
        row.mismatches().forEach(m -> problems.add("RESULT MISMATCH " + ConsoleReport.label(row)
            + ": " + m));
        for (QueryRun run : row.runs().values()) {
          if (!run.ok()) {
            problems.add(run.status() + " " + ConsoleReport.label(row) + " on "
                + run.engine().label() + ": " + run.error());
          }
        }
        row.problems().forEach(p -> problems.add(ConsoleReport.label(row) + ": " + p));
      }
      if (!problems.isEmpty()) {
        h.append("<ul>");
        problems.forEach(p -> h.append("<li class=\"bad\">").append(esc(p)).append("</li>"));
        h.append("</ul>\n");
      }
    }
    if (!c.loadFailures().isEmpty()) {
      h.append("<h2>Query files that could not be read</h2>\n<ul>");
      c.loadFailures().forEach(f -> h.append("<li class=\"bad\">").append(esc(f)).append("</li>"));
      h.append("</ul>\n");
    }

    if (!c.rounds().isEmpty()) {
      RoundResult last = c.rounds().get(c.rounds().size() - 1);
      h.append("<h2>Plans that differ from stock in the last round</h2>\n");
      boolean any = false;
      for (RoundResult.Row row : last.rows()) {
        RoundResult.PlanDiff d = row.plans();
        if (d == null) {
          continue;
        }
        any = true;
        h.append("<h3>").append(esc(ConsoleReport.label(row))).append("</h3>\n")
            .append("<table><tr><th>stock plan</th><th>learned plan</th></tr><tr>")
            .append("<td style=\"text-align:left;vertical-align:top\"><pre>")
            .append(esc(d.stockPlan())).append("</pre><pre>").append(esc(d.stockCorrections()))
            .append("</pre></td><td style=\"text-align:left;vertical-align:top\"><pre>")
            .append(esc(d.learnedPlan())).append("</pre><pre>")
            .append(esc(d.learnedCorrections())).append("</pre></td></tr></table>\n");
      }
      if (!any) {
        h.append("<p>None.</p>\n");
      }
    }
    if (!c.learning().isEmpty()) {
      h.append("<h2>Learning statistics</h2>\n<pre>").append(esc(c.learning()))
          .append("</pre>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static XYChart totalChart(Content c) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Total latency per round").xAxisTitle("round").yAxisTitle("ms").build();
    style(chart);
    double[] x = rounds(c);
    for (Engine e : c.engines()) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        for (RoundResult.Row row : c.rounds().get(i).rows()) {
          QueryRun run = row.run(e);
          if (run != null && run.ok()) {
            y[i] += run.ms();
          }
        }
      }
      chart.addSeries(e.label(), x, y);
    }
    return chart;
  }

  private static XYChart perQueryChart(Content c, Engine engine) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(engine.label() + ": latency per query").xAxisTitle("round").yAxisTitle("ms")
        .build();
    style(chart);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    double[] x = rounds(c);
    Map<String, double[]> series = new LinkedHashMap<>();
    for (int i = 0; i < x.length; i++) {
      for (RoundResult.Row row : c.rounds().get(i).rows()) {
        QueryRun run = row.run(engine);
        if (run == null) {
          continue;
        }
        double[] y = series.computeIfAbsent(ConsoleReport.label(row), k -> nans(x.length));
        // A timed-out or failed execution leaves a gap; a log axis needs positive values.
        y[i] = run.ok() ? Math.max(run.ms(), 0.01) : Double.NaN;
      }
    }
    series.forEach((name, y) -> chart.addSeries(name, x, y));
    return chart;
  }

  private static void style(XYChart chart) {
    chart.getStyler().setMarkerSize(6);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
  }

  private static double[] rounds(Content c) {
    double[] x = new double[c.rounds().size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = c.rounds().get(i).round();
    }
    return x;
  }

  private static double[] nans(int n) {
    double[] y = new double[n];
    java.util.Arrays.fill(y, Double.NaN);
    return y;
  }

  private static void image(StringBuilder h, XYChart chart, String alt) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    h.append("<p><img alt=\"").append(esc(alt)).append("\" width=\"").append(WIDTH)
        .append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
  }

  private static void row(StringBuilder h, String name, String value) {
    h.append("<tr><td>").append(esc(name)).append("</td><td>").append(esc(value))
        .append("</td></tr>\n");
  }

  private static double total(RunSummary s, Engine e) {
    return switch (e) {
      case H2 -> s.h2TotalMs();
      case STOCK -> s.stockTotalMs();
      case LEARNED -> s.learnedTotalMs();
    };
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
