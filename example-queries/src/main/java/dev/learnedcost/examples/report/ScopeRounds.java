package dev.learnedcost.examples.report;

import dev.learnedcost.calcite.ScopeStats;
import dev.learnedcost.engine.OperatorScope;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The learned model's row errors per scope and round: the runtime keeps running means over all
 * its observations ({@link ScopeStats}); the difference of their sums before and after a round
 * gives that round's own means, so a reader sees whether the errors fall round over round and
 * where the last round stands against stock.
 */
public final class ScopeRounds {
  /**
   * One scope in one round.
   *
   * @param scope the scope
   * @param observations operators of the scope observed in the round
   * @param stockRowError mean {@code |ln(stock estimate / actual rows)|} in the round
   * @param learnedRowError mean {@code |ln(learned estimate / actual rows)|} in the round, the
   *     estimate the model gave before learning from the execution
   */
  public record Row(OperatorScope scope, long observations, double stockRowError,
      double learnedRowError) {}

  /** Row errors below this are exact estimates (a rounding of a few rows). */
  public static final double EXACT = 0.01;

  private final List<List<Row>> rounds = new ArrayList<>();
  private Map<OperatorScope, double[]> before = new EnumMap<>(OperatorScope.class);

  /** Records the end of a round, given the runtime's statistics now. */
  public void roundEnded(List<ScopeStats> now) {
    Map<OperatorScope, double[]> sums = sums(now);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<OperatorScope, double[]> e : sums.entrySet()) {
      double[] b = before.getOrDefault(e.getKey(), new double[3]);
      double[] a = e.getValue();
      long n = Math.round(a[0] - b[0]);
      if (n > 0) {
        rows.add(new Row(e.getKey(), n, (a[1] - b[1]) / n, (a[2] - b[2]) / n));
      }
    }
    rounds.add(List.copyOf(rows));
    before = sums;
  }

  /** Returns each recorded round's rows, in round order; scopes in scope order. */
  public List<List<Row>> rounds() {
    return List.copyOf(rounds);
  }

  /** Returns the rows of one scope, one per round ({@code null} where it had no observation). */
  public List<Row> of(OperatorScope scope) {
    List<Row> out = new ArrayList<>();
    for (List<Row> round : rounds) {
      out.add(round.stream().filter(r -> r.scope() == scope).findFirst().orElse(null));
    }
    return out;
  }

  /**
   * Returns the scopes observed in the last round whose learned row error there is not below
   * stock's (the goal is none); a scope whose stock and learned estimates were both exact
   * (errors below {@value #EXACT}: a global aggregate's one row) has nothing to learn and is
   * not listed.
   */
  public List<OperatorScope> notBelowStockInLastRound() {
    List<OperatorScope> out = new ArrayList<>();
    if (!rounds.isEmpty()) {
      for (Row r : rounds.get(rounds.size() - 1)) {
        boolean exact = r.stockRowError() < EXACT && r.learnedRowError() < EXACT;
        if (!exact && !(r.learnedRowError() < r.stockRowError())) {
          out.add(r.scope());
        }
      }
    }
    return out;
  }

  private static Map<OperatorScope, double[]> sums(List<ScopeStats> stats) {
    Map<OperatorScope, double[]> m = new EnumMap<>(OperatorScope.class);
    for (ScopeStats s : stats) {
      if (s.observations() > 0) {
        long n = s.observations();
        m.put(s.scope(), new double[] {n, s.stockRowError() * n, s.learnedRowError() * n});
      }
    }
    return m;
  }
}
