package io.backfillfleet.worker;

import io.backfillfleet.coordinator.SlicePart;
import io.backfillfleet.coordinator.SplitPoint;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Decides whether and where a held slice splits (issue 18), from measurement: only while splitting is on and some
 * worker is idle; only when the slice's remaining documents (counted on the source from the reader's position, plus
 * the estimates of a packed slice's later parts) at its measured rate would take longer than {@code minRemaining}
 * and than {@value #MEDIAN_FACTOR} times the median time this worker's slices took; and at the point where the successor takes one of (idle
 * workers + 1) equal pieces of the remaining documents (by a histogram of the remainder, or at a packed slice's part
 * boundary), never leaving a piece below {@code minDocs} or half that time.
 */
final class SplitPolicy {
  private static final int HISTOGRAM_BUCKETS = 64;
  /**
   * "Well above the median slice": 2 kept the pieces of an earlier split (each near the median by then) from being
   * split again for a worker that went idle later, which left one of four workers idle for the last 20 s of the
   * tail benchmark; a split still costs a claim, a point-in-time and a settle delay, which minRemaining covers.
   */
  static final double MEDIAN_FACTOR = 1.5;

  private final SourceStore source;
  private final SplitSettings settings;
  private final BooleanSupplier enabled;
  private final IntSupplier idleWorkers;
  private final Supplier<Duration> medianSlice;
  private final Runnable idleWorkerTaken;

  /**
   * @param idleWorkers     how many workers of the job are idle now (may be a few seconds old)
   * @param idleWorkerTaken called after each split: one idle worker will take the successor, so a count read before
   *                        it must not ask for another split on its behalf
   */
  SplitPolicy(SourceStore source, SplitSettings settings, BooleanSupplier enabled, IntSupplier idleWorkers,
      Runnable idleWorkerTaken, Supplier<Duration> medianSlice) {
    this.source = source;
    this.settings = settings;
    this.enabled = enabled;
    this.idleWorkers = idleWorkers;
    this.idleWorkerTaken = idleWorkerTaken;
    this.medianSlice = medianSlice;
  }

  /** A split was written: its successor is meant for one of the idle workers counted. */
  void splitMade() {
    idleWorkerTaken.run();
  }

  SplitSettings settings() {
    return settings;
  }

  /**
   * @param handed   documents this holder's reader handed out so far
   * @param elapsed  time since this holder started reading the slice
   * @param doneBefore documents of the slice read before the reader's position (its estimate of what is behind)
   */
  SplitDecision decide(WorkNode w, SplitPosition at, long handed, Duration elapsed, long doneBefore) {
    if (!enabled.getAsBoolean()) return new SplitDecision.NoSplit("splitting is off");
    int idle = idleWorkers.getAsInt();
    if (idle <= 0) return new SplitDecision.NoSplit("no worker is idle");
    if (!at.known()) return new SplitDecision.NoSplit("the reader's position is not known yet");
    if (handed <= 0 || elapsed.toMillis() < 1000) return new SplitDecision.NoSplit("no rate measured yet");
    List<SlicePart> parts = w.windows();
    if (at.part() >= parts.size()) return new SplitDecision.NoSplit("the reader is past the last part");
    SlicePart current = parts.get(at.part());
    TimeWindow rest = restOf(current, at.lastRead());
    long inPart = rest == null ? 0 : source.count(current.tenant(), rest);
    long later = 0;
    for (int i = at.part() + 1; i < parts.size(); i++) later += parts.get(i).estimatedDocs();
    long remaining = inPart + later;
    double rate = handed / (elapsed.toMillis() / 1000.0);
    double expected = remaining / rate;
    Duration median = medianSlice.get();
    double threshold = Math.max(settings.minRemaining().toMillis() / 1000.0,
        median == null ? 0 : MEDIAN_FACTOR * median.toMillis() / 1000.0);
    if (expected < threshold) {
      return new SplitDecision.NoSplit(String.format("%,d documents left, about %.0f s at %.0f docs/s: under %.0f s",
          remaining, expected, rate, threshold));
    }
    // one piece for the holder and one per idle worker, each still worth a claim (at least half the threshold's time)
    // and at least minDocs: the successor takes one piece off the end, and the next look (at once, while workers are
    // idle) cuts the next, so the pieces come out about equal
    long worthIt = threshold <= 0 ? Long.MAX_VALUE : (long) (expected / (threshold / 2));
    long pieces = Math.min(idle + 1L, Math.min(worthIt, remaining / settings.minDocs()));
    if (pieces < 2) {
      return new SplitDecision.NoSplit(String.format("%,d documents left (about %.0f s): too few for two pieces of at"
          + " least %,d documents and %.0f s", remaining, expected, settings.minDocs(), threshold / 2));
    }
    long keep = remaining - remaining / pieces;
    if (inPart >= keep || at.part() == parts.size() - 1) {
      return cutWithin(current, rest, at.part(), keep, remaining, expected, doneBefore);
    }
    return cutAtPartBoundary(parts, at.part(), inPart, keep, remaining, expected, doneBefore);
  }

  /** The unread rest of a part's window: past the last timestamp read there (null: nothing can be cut in it). */
  static TimeWindow restOf(SlicePart part, Instant lastRead) {
    if (part.missingTimestamp()) return null;
    Instant from = lastRead == null ? part.from() : lastRead.plusMillis(1);
    if (from.isBefore(part.from())) from = part.from();
    return from.isBefore(part.to()) ? TimeWindow.of(from, part.to()) : null;
  }

  /** A cut inside the current part, at the histogram bucket boundary nearest to keeping {@code keep} documents. */
  private SplitDecision cutWithin(SlicePart part, TimeWindow rest, int index, long keep, long remaining,
      double expected, long doneBefore) {
    if (rest == null) return new SplitDecision.NoSplit("the rest of part " + index + " has no time window to cut");
    long span = rest.to().toEpochMilli() - rest.from().toEpochMilli();
    Duration width = Duration.ofMillis(Math.max(1, (span + HISTOGRAM_BUCKETS - 1) / HISTOGRAM_BUCKETS));
    Histogram h = source.histogram(part.tenant(), rest, width);
    List<Histogram.Bucket> b = h.buckets();
    long cum = 0;
    Instant best = null;
    long bestKept = 0;
    for (int k = 0; k < b.size() - 1; k++) {
      cum += b.get(k).count();
      long successor = remaining - cum;
      if (cum < settings.minDocs() || successor < settings.minDocs()) continue;
      if (best == null || Math.abs(cum - keep) < Math.abs(bestKept - keep)) {
        best = b.get(k).end();
        bestKept = cum;
      }
    }
    if (best == null) {
      return new SplitDecision.NoSplit(String.format("no cut in %s leaves %,d documents on both sides", rest,
          settings.minDocs()));
    }
    return new SplitDecision.Cut(SplitPoint.within(index, best), doneBefore + bestKept, remaining - bestKept,
        remaining, expected);
  }

  /** A cut before one of a packed slice's later parts, the one nearest to keeping {@code keep} documents. */
  private SplitDecision cutAtPartBoundary(List<SlicePart> parts, int index, long inPart, long keep, long remaining,
      double expected, long doneBefore) {
    long cum = inPart;
    int best = -1;
    long bestKept = 0;
    for (int j = index + 1; j < parts.size(); j++) {
      long successor = remaining - cum;
      if (cum >= settings.minDocs() && successor >= settings.minDocs()
          && (best < 0 || Math.abs(cum - keep) < Math.abs(bestKept - keep))) {
        best = j;
        bestKept = cum;
      }
      cum += parts.get(j).estimatedDocs();
    }
    if (best < 0) {
      return new SplitDecision.NoSplit(String.format("no part boundary leaves %,d documents on both sides",
          settings.minDocs()));
    }
    return new SplitDecision.Cut(SplitPoint.beforePart(best), doneBefore + bestKept, remaining - bestKept, remaining,
        expected);
  }
}
