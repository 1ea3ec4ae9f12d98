package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorUnavailableException;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.StoreUnavailableException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The chart fails the worker Job at once on 2 and restarts pods on other codes, so the two must not mix. */
class ExitCodesTest {
  @Test
  void aClusterOrZooKeeperThatDidNotAnswerIs4() {
    assertThat(ExitCodes.of(new StoreUnavailableException("elasticsearch http://es:9200", "reading", 3,
        new IOException("Connection refused")))).isEqualTo(4);
    assertThat(ExitCodes.of(new CoordinatorUnavailableException("zk:2181", "claiming",
        new IOException("no quorum")))).isEqualTo(4);
  }

  @Test
  void badInputIs2AndABugIs1() {
    assertThat(ExitCodes.of(new StoreConfigException("index x does not exist"))).isEqualTo(2);
    assertThat(ExitCodes.of(new UsageException("--zk is missing"))).isEqualTo(2);
    assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(1);
  }
}
