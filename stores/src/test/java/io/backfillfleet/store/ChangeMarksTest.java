package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which watermark a read may use: the watermark of the newest snapshot at least a refresh and a margin old. */
class ChangeMarksTest {
  private static final long S = 1_000_000_000L;

  @Test
  void aReadGetsTheNewestSnapshotTakenARefreshAndAMarginBeforeIt() throws Exception {
    AtomicLong now = new AtomicLong(100 * S);
    Deque<Long> answers = new ArrayDeque<>(java.util.List.of(10L, 15L, 18L));
    AtomicInteger asked = new AtomicInteger();
    ChangeMarks marks = new ChangeMarks(() -> {
      asked.incrementAndGet();
      return answers.removeFirst();
    }, () -> SearchVisibility.within(Duration.ofSeconds(1), "test"), now::get);

    assertThat(marks.forReadOpeningNow()).as("the first snapshot is taken now: too new").isEmpty();
    assertThat(asked).hasValue(1);
    now.addAndGet(3 * S);
    assertThat(marks.forReadOpeningNow()).as("3 s later: younger than 1 s + margin, no new snapshot yet").isEmpty();
    assertThat(asked).hasValue(1);
    now.addAndGet(3 * S); // 6 s: the first is old enough; a new one is taken (every 5 s)
    assertThat(marks.forReadOpeningNow()).hasValue(10);
    assertThat(asked).hasValue(2);
    now.addAndGet(6 * S); // the second (taken at 6 s) is now old enough: the newest such one wins
    assertThat(marks.forReadOpeningNow()).hasValue(15);
    assertThat(asked).hasValue(3);
  }

  @Test
  void theFirstSnapshotIsUsableAtOnceOnlyAfterEveryCopyRefreshedAndOnlyOnce() throws Exception {
    AtomicLong now = new AtomicLong(100 * S);
    AtomicInteger refreshes = new AtomicInteger();
    Deque<Long> answers = new ArrayDeque<>(java.util.List.of(10L, 15L, 18L));
    ChangeMarks marks = new ChangeMarks(answers::removeFirst,
        () -> SearchVisibility.within(Duration.ofSeconds(1), "test"), () -> {
          refreshes.incrementAndGet();
          now.addAndGet(S / 10); // the refresh takes a while; the read opens after it
          return true;
        }, now::get);
    assertThat(marks.forReadOpeningNow()).as("refreshed after the snapshot: usable now").hasValue(10);
    now.addAndGet(5 * S);
    assertThat(marks.forReadOpeningNow()).as("the next snapshot ages as before; the refreshed one still serves")
        .hasValue(10);
    assertThat(refreshes).as("one refresh per process").hasValue(1);

    // a refresh not done on every copy (or refused) does not vouch: the first snapshot ages like the others
    ChangeMarks partial = new ChangeMarks(() -> 10L, () -> SearchVisibility.within(Duration.ofSeconds(1),
        "test"), () -> false, now::get);
    assertThat(partial.forReadOpeningNow()).isEmpty();
    ChangeMarks refused = new ChangeMarks(() -> 10L, () -> SearchVisibility.within(Duration.ofSeconds(1),
        "test"), () -> {
          throw new IllegalStateException("403: no maintenance privilege");
        }, now::get);
    assertThat(refused.forReadOpeningNow()).isEmpty();
  }

  @Test
  void noWatermarkWhenChangesHaveNoVisibilityBoundOrTheStatsCannotBeRead() throws Exception {
    AtomicLong now = new AtomicLong(0);
    AtomicReference<SearchVisibility> visibility = new AtomicReference<>(SearchVisibility.unbounded("refresh off"));
    AtomicInteger asked = new AtomicInteger();
    ChangeMarks marks = new ChangeMarks(() -> {
      if (asked.incrementAndGet() == 1) throw new IllegalStateException("shard stats refused");
      return 5L;
    }, visibility::get, now::get);
    assertThat(marks.forReadOpeningNow()).as("refresh off: nothing says when a change is seen").isEmpty();
    assertThat(asked).as("not even asked").hasValue(0);

    visibility.set(SearchVisibility.within(Duration.ofSeconds(1), "test"));
    now.addAndGet(61 * S); // the bound is read again after a minute
    assertThat(marks.forReadOpeningNow()).as("the stats failed").isEmpty();
    now.addAndGet(10 * S);
    assertThat(marks.forReadOpeningNow()).as("taken now, not old enough yet").isEmpty();
    now.addAndGet(10 * S);
    assertThat(marks.forReadOpeningNow()).hasValue(5);
  }

  @Test
  void aSharedSnapshotServesTheFirstSecondsUntilAnOwnOneIsUsable() {
    AtomicLong now = new AtomicLong(100 * S);
    Deque<Long> answers = new ArrayDeque<>(java.util.List.of(7L, 20L, 25L));
    ChangeMarks planner = new ChangeMarks(answers::removeFirst,
        () -> SearchVisibility.within(Duration.ofSeconds(1), "test"), now::get);
    ChangeMarks.Shared shared = planner.takeToShare().orElseThrow();
    assertThat(shared.watermark()).isEqualTo(7);
    assertThat(shared.usableFromNanos()).as("a soft commit and the margin after it was taken")
        .isEqualTo(100 * S + S + ChangeMarks.MARGIN.toNanos());

    ChangeMarks worker = new ChangeMarks(answers::removeFirst,
        () -> SearchVisibility.within(Duration.ofSeconds(1), "test"), now::get);
    worker.acceptShared(shared.watermark());
    assertThat(worker.forReadOpeningNow()).as("its own first snapshot is too new: the shared one").hasValue(7);
    now.addAndGet(6 * S);
    assertThat(worker.forReadOpeningNow()).as("its own, once usable, is newer").hasValue(20);
  }

  @Test
  void aSharedSnapshotIsNotUsedWhileAShardGivesNoWatermarkOrSearchesAreNotBounded() {
    AtomicLong now = new AtomicLong(100 * S);
    ChangeMarks election = new ChangeMarks(() -> -1L, () -> SearchVisibility.within(Duration.ofSeconds(1), "test"),
        now::get);
    election.acceptShared(7);
    assertThat(election.forReadOpeningNow()).as("a shard without a leader now").isEmpty();
    assertThat(election.takeToShare()).isEmpty();

    ChangeMarks unbounded = new ChangeMarks(() -> 9L, () -> SearchVisibility.unbounded("refresh off"), now::get);
    unbounded.acceptShared(7);
    assertThat(unbounded.forReadOpeningNow()).isEmpty();
    assertThat(unbounded.takeToShare()).as("nothing says when its changes are seen").isEmpty();

    ChangeMarks failing = new ChangeMarks(() -> {
      throw new IllegalStateException("down");
    }, () -> SearchVisibility.within(Duration.ofSeconds(1), "test"), now::get);
    assertThat(failing.takeToShare()).isEmpty();
  }
}
