package dev.learnedcost.calcite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.learnedcost.engine.OperatorScope;
import org.junit.jupiter.api.Test;

/**
 * The query scope of {@link LoraRuntime#beginQuery} reports its preparation time to the guard
 * when it closes, so a learned plan that is slow to make (a planner that runs into a timeout
 * never executes) falls back like a slow execution.
 */
class PreparationGuardTest {
  private static final String SQL = "select * from t where a = 1";

  @Test
  void aLearnedPreparationFarSlowerThanStock_fallsBackWhenItsScopeCloses() throws Exception {
    try (LoraRuntime loop = LoraRuntime.open()) {
      // The preparations' clock: each scope below lasts what the test advances it by.
      java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
      loop.nanoClock(now::get);
      for (int i = 0; i < 2; i++) {
        try (QueryScope q = loop.beginQuery(SQL)) {
          assertThat(q.choice()).isEqualTo(PlanChoice.STOCK_BASELINE);
          // Its execution, as the profiled plan would report it.
          loop.guard().record(q.fingerprint(), q.shape(), q.choice(), 7, 10,
              () -> new double[OperatorScope.COUNT]);
          now.addAndGet(2_000_000); // 2 ms to prepare the stock plan
        }
      }
      // A planner busy 400 ms: far beyond 5x the floor of 20 ms (the stock preparations took
      // 2 ms). One is slow; the second slow one in a row falls back.
      for (int i = 0; i < 2; i++) {
        assertThat(loop.guard().fallbacks()).isZero();
        try (QueryScope q = loop.beginQuery(SQL)) {
          assertThat(q.choice()).isEqualTo(PlanChoice.LEARNED);
          now.addAndGet(400_000_000);
        }
      }
      assertThat(loop.guard().fallbacks()).isEqualTo(1);
      try (QueryScope q = loop.beginQuery(SQL)) {
        assertThat(q.choice()).isEqualTo(PlanChoice.STOCK_GUARDED);
      }
    }
  }
}
