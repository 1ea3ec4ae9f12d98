package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.store.SearchVisibility;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The watermark a point-in-time read may put on its pages ({@link io.backfillfleet.store.PageRange}): a sequence
 * number such that every operation stamped at most that was visible to the read and every later one is stamped
 * higher. Sequence numbers are per shard, so the watermark is the least global checkpoint over every shard copy of
 * the index (each shard's later operations are stamped above its own checkpoint, so above the least). An operation
 * up to a global checkpoint is on every in-sync copy when the checkpoint is read, and searchable one refresh later;
 * so a snapshot vouches for a read that opens at least the refresh bound plus {@link #MARGIN} after it was taken.
 *
 * <p>Snapshots are taken as reads open (one {@code _stats} request at most every {@link #EVERY}) and kept a while,
 * so after the first few seconds of a worker every new read finds one old enough and waits for nothing; a read
 * that finds none gets no watermark and its pages are checked as before.
 *
 * <p>Those first seconds are every worker's, and a short copy is mostly them (a 100,000-document benchmark counted
 * 40 to 98 % of its pages by id for want of a snapshot old enough). So the first snapshot is followed by one
 * explicit refresh of the index: once every shard copy has refreshed, every operation up to the snapshot's watermark
 * is searchable on every copy, and a read opening after that may use it at once. One refresh per process (a worker,
 * a verify); a refresh refused (no privilege) or not done on every copy leaves the snapshot to age as the others.
 */
final class EsChangeMarks {
  /** For the refresh itself to finish on a busy node, beyond its interval. */
  static final Duration MARGIN = Duration.ofSeconds(5);
  static final Duration EVERY = Duration.ofSeconds(5);
  private static final long KEEP_NANOS = Duration.ofMinutes(2).toNanos();
  private static final long VISIBILITY_NANOS = Duration.ofMinutes(1).toNanos();

  /** @param usableFromNanos when a read opening may use it: a refresh bound and a margin after, or after a refresh */
  private record Snapshot(long takenAtNanos, long usableFromNanos, long watermark) {}

  private final Supplier<JsonNode> shardStats;
  private final Supplier<SearchVisibility> visibility;
  private final BooleanSupplier refreshEveryCopy;
  private final LongSupplier clock;
  private boolean refreshTried;
  private final Deque<Snapshot> snapshots = new ArrayDeque<>(); // newest first
  private SearchVisibility visible;
  private long visibleReadAt;

  /**
   * @param refreshEveryCopy refreshes the index; true only if every shard copy did (false or an exception: not
   *                         known)
   */
  EsChangeMarks(Supplier<JsonNode> shardStats, Supplier<SearchVisibility> visibility, BooleanSupplier refreshEveryCopy,
      LongSupplier clock) {
    this.shardStats = shardStats;
    this.visibility = visibility;
    this.refreshEveryCopy = refreshEveryCopy;
    this.clock = clock;
  }

  /** Without the first refresh: every snapshot ages. */
  EsChangeMarks(Supplier<JsonNode> shardStats, Supplier<SearchVisibility> visibility, LongSupplier clock) {
    this(shardStats, visibility, () -> false, clock);
  }

  /** The watermark for a read opening now, or empty when no snapshot is old enough (or none can be trusted). */
  synchronized OptionalLong forReadOpeningNow() {
    long now = clock.getAsLong();
    try {
      if (visible == null || now - visibleReadAt >= VISIBILITY_NANOS) {
        visible = visibility.get();
        visibleReadAt = now;
      }
      if (!visible.isBounded()) return OptionalLong.empty(); // refresh off: nothing says when a change is seen
      if (snapshots.isEmpty() || now - snapshots.peekFirst().takenAtNanos() >= EVERY.toNanos()) {
        long w = watermark(shardStats.get());
        long taken = clock.getAsLong();
        long usable = taken + visible.bound().plus(MARGIN).toNanos();
        if (!refreshTried && w >= 0) {
          refreshTried = true;
          if (refreshed()) usable = clock.getAsLong(); // the refresh began after the snapshot and has ended
        }
        snapshots.addFirst(new Snapshot(taken, usable, w));
      }
    } catch (RuntimeException e) {
      return OptionalLong.empty(); // a proof is only a shortcut: without it, pages are checked document by document
    }
    while (snapshots.size() > 1 && now - snapshots.peekLast().takenAtNanos() > KEEP_NANOS) snapshots.removeLast();
    long opening = clock.getAsLong();
    for (Snapshot s : snapshots) { // newest first: the newest usable one
      if (s.usableFromNanos() <= opening) {
        return s.watermark() < 0 ? OptionalLong.empty() : OptionalLong.of(s.watermark());
      }
    }
    return OptionalLong.empty();
  }

  private boolean refreshed() {
    try {
      return refreshEveryCopy.getAsBoolean();
    } catch (RuntimeException e) {
      return false; // refused or failed: the snapshot ages like any other
    }
  }

  /**
   * The least global checkpoint over every shard copy in {@code GET /<index>/_stats?level=shards} ({@code indices
   * -> shards -> number -> [copy -> seq_no.global_checkpoint]}); -1 when any copy does not give one.
   */
  static long watermark(JsonNode stats) {
    long least = Long.MAX_VALUE;
    int copies = 0;
    for (Iterator<Map.Entry<String, JsonNode>> idx = stats.path("indices").fields(); idx.hasNext(); ) {
      for (Iterator<Map.Entry<String, JsonNode>> sh = idx.next().getValue().path("shards").fields(); sh.hasNext(); ) {
        for (JsonNode copy : sh.next().getValue()) {
          JsonNode g = copy.path("seq_no").path("global_checkpoint");
          if (!g.canConvertToLong()) return -1;
          least = Math.min(least, g.asLong());
          copies++;
        }
      }
    }
    return copies == 0 ? -1 : least;
  }
}
