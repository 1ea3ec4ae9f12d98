package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.ChangeMarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The planner hands its snapshot to the workers only once usable, waiting what planning did not take. */
class WorkersChangeMarkTest {
  private static final long S = 1_000_000_000L;

  @Test
  void waitsWhatIsLeftOfTheSnapshotsCommitAndMargin() throws Exception {
    AtomicLong now = new AtomicLong(100 * S);
    List<Long> slept = new ArrayList<>();
    WorkersChangeMark mark = new WorkersChangeMark(Optional.of(new ChangeMarks.Shared(42, 106 * S)), now::get,
        nanos -> {
          slept.add(nanos);
          now.addAndGet(slept.size() == 1 ? nanos / 2 : nanos); // woken early once: waits again for the rest
        });
    now.addAndGet(2 * S); // planning took 2 s
    assertThat(mark.remaining()).isEqualTo(Duration.ofSeconds(4));
    assertThat(mark.awaitUsable()).hasValue(42);
    assertThat(now.get()).as("not handed over before usable").isGreaterThanOrEqualTo(106 * S);
    assertThat(slept).containsExactly(4 * S, 2 * S);
  }

  @Test
  void handsOverAtOnceWhenPlanningTookLongerAndNothingWhenTheWaitIsTooLongOrThereIsNone() throws Exception {
    AtomicLong now = new AtomicLong(200 * S);
    WorkersChangeMark.Sleeper never = nanos -> {
      throw new AssertionError("slept " + nanos);
    };
    assertThat(new WorkersChangeMark(Optional.of(new ChangeMarks.Shared(7, 150 * S)), now::get, never).awaitUsable())
        .hasValue(7);
    long tooFar = now.get() + WorkersChangeMark.MAX_WAIT.toNanos() + S;
    WorkersChangeMark seldom = new WorkersChangeMark(Optional.of(new ChangeMarks.Shared(7, tooFar)), now::get, never);
    assertThat(seldom.remaining()).as("nothing to wait for: 'plan' says no wait").isZero();
    assertThat(seldom.awaitUsable()).as("a source committing seldom: the workers take their own").isEmpty();
    WorkersChangeMark none = new WorkersChangeMark(Optional.empty(), now::get, never);
    assertThat(none.remaining()).isZero();
    assertThat(none.awaitUsable()).isEmpty();
  }
}
