package io.backfillfleet.planner;

import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a tenant's history into time windows of roughly equal document count.
 *
 * <p>It walks a coarse (daily) histogram and closes a slice as soon as the running count reaches the target.
 * A bucket holding more than an eighth of the target is measured again at the next finer resolution
 * (day, hour, minute, second, millisecond), so a slice overshoots the target by at most an eighth: a busy tenant
 * gets short windows, a quiet one long windows. A millisecond cannot be measured finer, so where adding one would
 * overshoot by more, the slice closes before it (a slice may then fall short of the target instead). A last slice
 * smaller than a quarter of the target joins the one before it where the two stay within the bound. A single
 * millisecond above the target cannot be split by time and is kept whole as a hot spot (the dry-run report lists
 * hot spots; a running slice's reader pages through it by id).
 * Windows of a tenant are contiguous and half-open, from its first timestamp to just after its last; its
 * documents without a timestamp get a slice of their own.
 */
public final class EffortSlicer {
  static final List<Duration> LEVELS = List.of(Duration.ofDays(1), Duration.ofHours(1), Duration.ofMinutes(1),
      Duration.ofSeconds(1), Duration.ofMillis(1));
  /** Buckets above target/REFINE are measured again finer: bounds the overshoot of a slice to 1/REFINE. */
  static final int REFINE = 8;

  /** Where histograms come from: a source store, or a test's in-memory data. */
  @FunctionalInterface
  public interface HistogramSource {
    Histogram histogram(String tenant, TimeWindow window, Duration bucket);
  }

  private final HistogramSource source;
  private final long target;

  public EffortSlicer(HistogramSource source, long docsPerSlice) {
    if (docsPerSlice < 1) throw new IllegalArgumentException("docs per slice must be at least 1");
    this.source = source;
    this.target = docsPerSlice;
  }

  public List<SliceSpec> slice(TenantSpan span) {
    List<SliceSpec> out = new ArrayList<>();
    long timed = span.docs() - span.docsWithoutTimestamp();
    if (timed > 0 && span.first() != null && span.last() != null) {
      Instant from = span.first().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      Instant to = span.last().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).plusMillis(1);
      Walk walk = new Walk(span.tenant(), from);
      walk(walk, TimeWindow.of(from, to), 0);
      walk.finish(to);
      out.addAll(walk.slices);
    }
    if (span.docsWithoutTimestamp() > 0) {
      out.add(new SliceSpec(SliceIds.noTimestampSlice(span.tenant()), span.tenant(), TimeWindow.withoutTimestamp(),
          span.docsWithoutTimestamp(), false));
    }
    return out;
  }

  private void walk(Walk walk, TimeWindow window, int level) {
    Histogram h = source.histogram(walk.tenant, window, LEVELS.get(level));
    for (Histogram.Bucket b : h.buckets()) {
      if (b.count() == 0) continue;
      boolean finest = level == LEVELS.size() - 1;
      if (b.count() * REFINE > target && !finest) {
        walk(walk, TimeWindow.of(b.start(), b.end()), level + 1);
      } else if (finest && b.count() > target) {
        walk.hotSpot(b);
      } else {
        if (finest) walk.closeIfOvershooting(b);
        walk.add(b);
      }
    }
  }

  /** The most documents a slice that is not a hot spot may hold: the target and an eighth. */
  private long maxSlice() {
    return target + target / REFINE;
  }

  /** The running state of one tenant's walk. */
  private final class Walk {
    final String tenant;
    final List<SliceSpec> slices = new ArrayList<>();
    Instant start;
    long running;

    Walk(String tenant, Instant start) {
      this.tenant = tenant;
      this.start = start;
    }

    void add(Histogram.Bucket b) {
      running += b.count();
      if (running >= target) close(b.end(), false);
    }

    /** Closes the running slice before {@code b} if {@code b} would take it past the bound. */
    void closeIfOvershooting(Histogram.Bucket b) {
      if (running > 0 && running + b.count() > maxSlice()) close(b.start(), false);
    }

    void hotSpot(Histogram.Bucket b) {
      if (running > 0) close(b.start(), false);
      running = b.count();
      close(b.end(), true);
    }

    void close(Instant end, boolean hot) {
      slices.add(new SliceSpec(SliceIds.timeSlice(tenant, slices.size()), tenant, TimeWindow.of(start, end), running, hot));
      start = end;
      running = 0;
    }

    void finish(Instant end) {
      if (start.equals(end)) return;
      SliceSpec prev = slices.isEmpty() ? null : slices.get(slices.size() - 1);
      if (prev != null && !prev.hotSpot() && running * 4 < target && prev.estimatedDocs() + running <= maxSlice()) {
        // a small remainder joins the slice before it instead of becoming a tiny slice of its own
        slices.set(slices.size() - 1, new SliceSpec(prev.id(), tenant, TimeWindow.of(prev.window().from(), end),
            prev.estimatedDocs() + running, false));
      } else if (prev != null && running == 0) {
        slices.set(slices.size() - 1, new SliceSpec(prev.id(), tenant, TimeWindow.of(prev.window().from(), end),
            prev.estimatedDocs(), prev.hotSpot()));
      } else {
        close(end, false);
      }
    }
  }
}
