package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyBudgetTest {
  @Test
  void theBudgetIsEveryTryAtItsTimeoutAndTheLongestBackoffs() {
    RetryPolicy p = RetryPolicy.of(6, Duration.ofSeconds(60));
    // backoff caps 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s between the six tries
    assertThat(p.budget()).isEqualTo(Duration.ofSeconds(360).plusMillis(3100));
  }

  @Test
  void noTryStartsOnceTheBudgetIsSpent() {
    // a budget of nothing (tries of no time, no backoff): the first try has spent it, however fast it was
    RetryPolicy p = new RetryPolicy(5, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    assertThat(p.budget()).isEqualTo(Duration.ZERO);
    AtomicInteger tries = new AtomicInteger();
    assertThatThrownBy(() -> p.call("http://h", "reading", e -> true, () -> {
      tries.incrementAndGet();
      throw new IOException("no answer");
    })).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("(1 attempts;");
    assertThat(tries).hasValue(1);
  }
}
