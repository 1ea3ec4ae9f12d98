package io.backfillfleet.store;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The watermark a read may put on its pages ({@link PageRange}): a change stamp such that every change stamped at
 * most that was visible to the read and every later one is stamped higher. The store says what the stamp is and
 * how a snapshot of it is taken (Elasticsearch: the least global checkpoint over every shard copy, against
 * {@code _seq_no}; Solr: the least of the shard leaders' newest update-log versions, against {@code _version_}).
 * Every change up to a snapshot had reached the cluster when it was taken and is searchable one refresh (soft
 * commit) later; so a snapshot vouches for a read that opens at least the visibility bound plus {@link #MARGIN}
 * after it was taken.
 *
 * <p>Snapshots are taken as reads open (at most one every {@link #EVERY}) and kept a while,
 * so after the first few seconds of a worker every new read finds one old enough and waits for nothing; a read
 * that finds none gets no watermark and its pages are checked as before.
 *
 * <p>Those first seconds are every worker's, and a short copy is mostly them (a 100,000-document benchmark counted
 * 40 to 98 % of its pages by id for want of a snapshot old enough). So where the store can (Elasticsearch), the
 * first snapshot is followed by one explicit refresh: once every shard copy has refreshed, every change up to the
 * snapshot's watermark is searchable on every copy, and a read opening after that may use it at once. One refresh
 * per process (a worker, a verify); a refresh refused (no privilege) or not done on every copy leaves the snapshot
 * to age as the others.
 *
 * <p>Where it cannot (Solr: a commit would open a new searcher on every replica of the legacy cluster), a planner
 * takes a snapshot for its workers instead ({@link #takeToShare}): it publishes the snapshot with the job only once it
 * is usable, so a worker that reads the job may use it for every read at once ({@link #acceptShared}). An older
 * snapshot is as safe as a newer one, only weaker: the documents changed since are checked by id.
 */
public final class ChangeMarks {
  /** For the refresh (soft commit) itself to finish on a busy node, beyond its interval. */
  static final Duration MARGIN = Duration.ofSeconds(5);
  static final Duration EVERY = Duration.ofSeconds(5);
  private static final long KEEP_NANOS = Duration.ofMinutes(2).toNanos();
  private static final long VISIBILITY_NANOS = Duration.ofMinutes(1).toNanos();

  /** @param usableFromNanos when a read opening may use it: a refresh bound and a margin after, or after a refresh */
  private record Snapshot(long takenAtNanos, long usableFromNanos, long watermark) {}

  /**
   * A snapshot taken for other processes: hand its watermark over only once this process's clock has passed
   * {@code usableFromNanos}; whoever receives it after that may use it at once.
   */
  public record Shared(long watermark, long usableFromNanos) {}

  private final LongSupplier snapshot;
  private final Supplier<SearchVisibility> visibility;
  private final BooleanSupplier refreshEveryCopy;
  private final LongSupplier clock;
  private boolean refreshTried;
  private final Deque<Snapshot> snapshots = new ArrayDeque<>(); // newest first
  private SearchVisibility visible;
  private long visibleReadAt;
  private long shared = -1;

  /**
   * @param snapshot         the watermark now, -1 where none can be given (a shard without one)
   * @param refreshEveryCopy makes every change up to now searchable; true only if every shard copy did (false or an
   *                         exception: not known)
   * @param clock            nanoseconds ({@code System::nanoTime})
   */
  public ChangeMarks(LongSupplier snapshot, Supplier<SearchVisibility> visibility, BooleanSupplier refreshEveryCopy,
      LongSupplier clock) {
    this.snapshot = snapshot;
    this.visibility = visibility;
    this.refreshEveryCopy = refreshEveryCopy;
    this.clock = clock;
  }

  /** Without the first refresh: every snapshot ages. */
  public ChangeMarks(LongSupplier snapshot, Supplier<SearchVisibility> visibility, LongSupplier clock) {
    this(snapshot, visibility, () -> false, clock);
  }

  /** The watermark for a read opening now, or empty when no snapshot is old enough (or none can be trusted). */
  public synchronized OptionalLong forReadOpeningNow() {
    long now = clock.getAsLong();
    try {
      if (visible == null || now - visibleReadAt >= VISIBILITY_NANOS) {
        visible = visibility.get();
        visibleReadAt = now;
      }
      if (!visible.isBounded()) return OptionalLong.empty(); // refresh off: nothing says when a change is seen
      if (snapshots.isEmpty() || now - snapshots.peekFirst().takenAtNanos() >= EVERY.toNanos()) {
        long w = snapshot.getAsLong();
        long taken = clock.getAsLong();
        long usable = agedUsableFrom(taken, visible);
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
        if (s.watermark() >= 0) return OptionalLong.of(s.watermark());
        break; // a shard without a watermark now (an election): nothing says what its next leader stamps
      }
    }
    // none usable yet: a shared one, unless a shard gave no watermark lately
    boolean everyShardStamped = snapshots.stream().allMatch(s -> s.watermark() >= 0);
    return shared >= 0 && everyShardStamped ? OptionalLong.of(shared) : OptionalLong.empty();
  }

  /**
   * A snapshot for other processes (a planner's for its workers): taken now, without a refresh; empty where none can be
   * trusted (search visibility unbounded, a shard without a watermark, the cluster not answering).
   */
  public Optional<Shared> takeToShare() {
    try {
      SearchVisibility v = visibility.get();
      if (!v.isBounded()) return Optional.empty();
      long w = snapshot.getAsLong();
      long taken = clock.getAsLong();
      return w < 0 ? Optional.empty()
          : Optional.of(new Shared(w, agedUsableFrom(taken, v)));
    } catch (RuntimeException e) {
      return Optional.empty(); // only a shortcut: the workers take their own
    }
  }

  /**
   * A watermark another process took and kept until usable ({@link #takeToShare}): used for reads while none of this
   * process's own snapshots is usable yet (its first seconds), and never while a shard gives no watermark.
   */
  public synchronized void acceptShared(long watermark) {
    if (watermark >= 0) shared = Math.max(shared, watermark);
  }

  /** When a snapshot taken then may serve reads without a refresh: a change is searchable within the bound. */
  private static long agedUsableFrom(long takenNanos, SearchVisibility visible) {
    return takenNanos + visible.bound().plus(MARGIN).toNanos();
  }

  private boolean refreshed() {
    try {
      return refreshEveryCopy.getAsBoolean();
    } catch (RuntimeException e) {
      return false; // refused or failed: the snapshot ages like any other
    }
  }
}
