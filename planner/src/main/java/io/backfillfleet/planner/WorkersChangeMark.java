package io.backfillfleet.planner;

import io.backfillfleet.store.ChangeMarks;
import io.backfillfleet.store.SourceStore;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The source's watermark snapshot for a job's workers ({@link ChangeMarks#takeToShare}): taken as planning starts and
 * published with the job only once every read may use it. A worker's own first snapshot needs a soft commit and a
 * margin (six seconds or so) before its reads may use it, and until then it checks every written page by id; with
 * this one it range-counts from its first page.
 *
 * <p>Published after the wait, read by a worker after the publish: no clocks of two machines are compared.
 */
public final class WorkersChangeMark {
  /** Longer than this left to wait (a source committing seldom), and the job is published without one. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);

  /** Waits on the planner's monotonic clock; tests pass their own. */
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final Optional<ChangeMarks.Shared> taken;
  private final LongSupplier clock;
  private final Sleeper sleeper;

  WorkersChangeMark(Optional<ChangeMarks.Shared> taken, LongSupplier clock, Sleeper sleeper) {
    this.taken = taken;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Takes the snapshot now (before measuring: planning takes most of the wait). */
  public static WorkersChangeMark take(SourceStore source) {
    return new WorkersChangeMark(source.changeMarkToShare(), System::nanoTime,
        nanos -> java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos));
  }

  /**
   * How long {@link #awaitUsable} would still wait; zero when usable now, when there is none, or when it would not
   * wait at all (longer than {@link #MAX_WAIT}).
   */
  public Duration remaining() {
    return taken.isEmpty() || tooLong() ? Duration.ZERO : Duration.ofNanos(Math.max(0, leftNanos()));
  }

  /**
   * The watermark once every read may use it: waits what is left of its soft commit and margin, if at most
   * {@link #MAX_WAIT}; empty when there is none or it would take longer (the workers then take their own).
   */
  public OptionalLong awaitUsable() throws InterruptedException {
    if (taken.isEmpty() || tooLong()) return OptionalLong.empty();
    for (long left = leftNanos(); left > 0; left = leftNanos()) sleeper.sleepNanos(left);
    return OptionalLong.of(taken.get().watermark());
  }

  private boolean tooLong() {
    return leftNanos() > MAX_WAIT.toNanos();
  }

  private long leftNanos() {
    return taken.orElseThrow().usableFromNanos() - clock.getAsLong();
  }
}
