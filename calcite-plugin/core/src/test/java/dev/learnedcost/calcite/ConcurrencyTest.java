package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.calcite.internal.LearnedModel;
import dev.learnedcost.engine.OperatorScope;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Two planner threads and one learner thread share a model without a failure or fallback. */
class ConcurrencyTest {
  private static final long SEED = 7;
  private static final int PLANS_PER_THREAD = 6;

  @Test
  void planning_whileLearnerTrains_neverFallsBackAndAnswersStayRight() throws Exception {
    LoraRuntime runtime = LoraRuntime.open();
    LearnedModel model = runtime.model();
    String query = TpchH2.QUERIES.get(2);
    List<List<String>> expected;
    try (Connection stock = TpchH2.connectStock()) {
      expected = TpchH2.rows(stock, query);
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    AtomicBoolean planning = new AtomicBoolean(true);
    try {
      List<CompletableFuture<Void>> planners = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        planners.add(CompletableFuture.runAsync(() -> {
          try (Connection c = TpchH2.connect(runtime, LoraMode.ON, false)) {
            for (int i = 0; i < PLANS_PER_THREAD; i++) {
              assertThat(TpchH2.rows(c, query)).isEqualTo(expected);
            }
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      CompletableFuture<Long> learner = CompletableFuture.supplyAsync(() -> {
        Random random = new Random(SEED);
        float[] x = new float[model.config().dim()];
        long steps = 0;
        while (planning.get() && steps < 1_000_000) {
          for (int i = 2; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
          }
          OperatorScope scope = OperatorScope.values()[random.nextInt(OperatorScope.COUNT)];
          model.train(scope, x, random.nextGaussian(), random.nextGaussian());
          steps++;
        }
        return steps;
      }, pool);
      CompletableFuture.allOf(planners.toArray(new CompletableFuture<?>[0]))
          .get(120, TimeUnit.SECONDS);
      planning.set(false);
      assertThat(learner.get(60, TimeUnit.SECONDS)).as("learner steps (seed %d)", SEED)
          .isPositive();
    } finally {
      planning.set(false);
      pool.shutdownNow();
      runtime.close();
    }
    LoraStats stats = runtime.stats();
    assertThat(stats.fallbacks()).as("fallbacks %s", stats.fallbacksByKind()).isZero();
    assertThat(stats.forwards()).isPositive();
  }
}
