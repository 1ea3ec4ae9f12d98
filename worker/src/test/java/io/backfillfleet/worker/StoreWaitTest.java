package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreWaitTest {
  private static StoreUnavailableException down() {
    return new StoreUnavailableException("elasticsearch http://127.0.0.1:9", "checking that the index exists", 3,
        new IOException("Connection refused"));
  }

  @Test
  void triesAgainUntilTheClusterAnswers() throws Exception {
    AtomicInteger rounds = new AtomicInteger();
    StoreWait.Outcome o = new StoreWait(Duration.ofMinutes(1), () -> false).run(() -> {
      if (rounds.incrementAndGet() < 3) throw down();
    });
    assertThat(o).isEqualTo(StoreWait.Outcome.PASSED);
    assertThat(rounds).hasValue(3);
  }

  @Test
  void badConfigurationIsNotWaitedFor() {
    AtomicInteger rounds = new AtomicInteger();
    assertThatThrownBy(() -> new StoreWait(Duration.ofMinutes(1), () -> false).run(() -> {
      rounds.incrementAndGet();
      throw new StoreConfigException("index x does not exist");
    })).isInstanceOf(StoreConfigException.class);
    assertThat(rounds).hasValue(1);
  }

  @Test
  void aStopWhileWaitingEndsTheWaitAtOnce() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    long t0 = System.nanoTime();
    StoreWait.Outcome o = new StoreWait(Duration.ofMinutes(5), stop::get).run(() -> {
      stop.set(true); // SIGTERM arrives while the first try fails
      throw down();
    });
    assertThat(o).isEqualTo(StoreWait.Outcome.STOPPED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void noPatienceGivesUpAfterTheFirstRound() {
    AtomicInteger rounds = new AtomicInteger();
    assertThatThrownBy(() -> new StoreWait(Duration.ZERO, () -> false).run(() -> {
      rounds.incrementAndGet();
      throw down();
    })).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("did not answer");
    assertThat(rounds).hasValue(1);
  }
}
