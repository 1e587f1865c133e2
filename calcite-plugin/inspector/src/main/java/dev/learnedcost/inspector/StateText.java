package dev.learnedcost.inspector;

import dev.learnedcost.calcite.LoraStateFile;
import dev.learnedcost.calcite.QueryHistory;
import dev.learnedcost.calcite.ScopeStats;
import java.util.List;
import java.util.Locale;

/** The human-readable view of a state file ({@code show}). */
final class StateText {
  private StateText() {}

  /** Renders the file; {@code allScopes} lists untrained scopes too. */
  static String render(LoraStateFile s, boolean allScopes) {
    StringBuilder b = new StringBuilder();
    line(b, "learned state %s (%,d bytes)", s.path(), s.sizeBytes());
    line(b, "  format        version %d%s, embedding layout %d", s.formatVersion(),
        s.formatVersion() == LoraStateFile.currentFormatVersion() ? ""
            : " (a save writes version " + LoraStateFile.currentFormatVersion() + ")",
        s.embeddingLayout());
    line(b, "  model         dim %d, alpha %s, learning rate %s%s", s.dim(), s.alpha(),
        s.learningRate(), s.biasOnly() ? ", bias-only embedding (an ablation)" : "");
    line(b, "  calibration   %,d observations, %s ms per cost unit",
        s.calibrationObservations(), num(s.msPerCostUnit()));
    line(b, "  in use        %s", s.isInUse()
        ? "yes: a runtime holds " + s.path().getFileName() + ".lock (edits are refused)"
        : "no");

    List<LoraStateFile.ScopeState> scopes = s.scopes();
    long trained = scopes.stream().filter(LoraStateFile.ScopeState::isTrained).count();
    b.append('\n');
    line(b, "scopes: %d of %d trained%s", trained, scopes.size(),
        allScopes || trained == scopes.size() ? "" : " (--all-scopes lists all)");
    line(b, "  %-14s %10s %8s %9s %7s  %-34s %s", "scope", "norm", "adapt", "forwards",
        "obs", "row error stock -> learned (median)", "cost error stock -> learned");
    for (LoraStateFile.ScopeState sc : scopes) {
      if (!allScopes && !sc.isTrained()) {
        continue;
      }
      ScopeStats st = sc.stats();
      line(b, "  %-14s %10s %8d %9d %7d  %-34s %s", sc.scope().displayName(),
          num(sc.adapterNorm()), st.adaptations(), st.forwards(), st.observations(),
          num(st.stockRowError()) + " -> " + num(st.learnedRowError()) + " (median "
              + num(st.medianLearnedRowError()) + ")",
          num(st.stockCostError()) + " -> " + num(st.learnedCostError()));
    }
    line(b, "  (errors: mean |ln(estimate / actual)|, 0.693 = a factor of 2; '-' = none yet)");

    List<QueryHistory> queries = s.queries();
    long held = queries.stream().filter(QueryHistory::guarded).count();
    b.append('\n');
    line(b, "queries: %d in the guard's history, %d held on their stock plan", queries.size(),
        held);
    if (!queries.isEmpty()) {
      line(b, "  %-16s %7s %6s %7s %10s %10s %6s %-4s %9s  %s", "fingerprint", "planned",
          "stock", "learned", "stock ms", "learned ms", "ratio", "held", "fallbacks", "shape");
    }
    for (QueryHistory q : queries) {
      line(b, "  %-16s %7d %6d %7d %10s %10s %6s %-4s %9d  %s", q.fingerprint(), q.planned(),
          q.stockRuns(), q.learnedRuns(), num(q.stockMedianMs()), num(q.learnedMedianMs()),
          num(q.learnedOverStock()), q.guarded() ? "yes" : "no", q.fallbacks(),
          cut(q.shape(), 100));
    }
    return b.toString();
  }

  /** A number in four significant digits, or '-' for NaN. */
  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == 0) {
      return "0";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** The text cut to {@code max} characters with an ellipsis. */
  static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }

  private static void line(StringBuilder b, String format, Object... args) {
    b.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
