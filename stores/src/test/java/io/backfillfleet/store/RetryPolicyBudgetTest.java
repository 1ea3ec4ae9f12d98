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
    // tries of 10 ms each against a budget of 2 x 1 ms (+ backoff 0.1 s): a client that overran its own timeout
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));
    AtomicInteger tries = new AtomicInteger();
    assertThatThrownBy(() -> p.call("http://h", "reading", e -> true, () -> {
      tries.incrementAndGet();
      Thread.sleep(10);
      throw new IOException("no answer");
    })).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("(1 attempts;");
    assertThat(tries).hasValue(1);
  }
}
