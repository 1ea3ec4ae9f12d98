package io.backfillfleet.planner;

import java.time.Duration;

/**
 * What each slice costs a worker beyond copying its documents, for the dry run's estimate: the settle delay before
 * the last re-check of deletes ({@code work --settle-seconds}) and a constant of round trips (claim, point-in-time
 * open and close, the re-check query, completion).
 *
 * <p>{@link #ROUND_TRIPS} is 0.5 s, from issue 16's run: 30,000 tenants of 2 documents (Elasticsearch 8, loopback,
 * two workers of 8 slots each) went at about 30 slices/s, so a slot spent 16 / 30 = 0.53 s per slice on everything
 * but its two documents. (That run cannot have waited a settle delay: 16 settling slots allow at most 16 / settle
 * slices/s, 3.2 at the default 5 s; so the 0.5 s are round trips alone.) A slice's round trips hold a copy slot, its
 * settle delay a settling slot ({@link #SETTLING_PER_SLOT} per copy slot), and the two pools work at once, so the
 * slices' own cost is the longer of the two.
 *
 * @param settle         the workers' settle delay
 * @param roundTrips     the per-slice round trips
 * @param slotsPerWorker slices a worker copies at once ({@code work --concurrency}, 8 by default)
 */
public record SliceCost(Duration settle, Duration roundTrips, int slotsPerWorker) {
  public static final Duration ROUND_TRIPS = Duration.ofMillis(500);
  /** Settling slots per copy slot, as a worker has them ({@code FleetWorker.SETTLING_PER_SLOT}; a test keeps them equal). */
  public static final int SETTLING_PER_SLOT = 4;
  /** The workers' defaults: {@code --settle-seconds 5}, {@code --concurrency 8}. */
  public static final SliceCost WORKER_DEFAULTS = new SliceCost(Duration.ofSeconds(5), ROUND_TRIPS, 8);
  /** No per-slice cost: the estimate from documents alone. */
  public static final SliceCost NONE = new SliceCost(Duration.ZERO, Duration.ZERO, 1);

  public SliceCost {
    if (settle == null || settle.isNegative()) throw new IllegalArgumentException("settle delay cannot be negative");
    if (roundTrips == null || roundTrips.isNegative()) throw new IllegalArgumentException("round trips cannot be negative");
    if (slotsPerWorker < 1) throw new IllegalArgumentException("slots per worker must be at least 1");
  }

  /** The settle delay and the workers' concurrency as given, with the measured round trips. */
  public static SliceCost of(Duration settle, int slotsPerWorker) {
    return new SliceCost(settle, ROUND_TRIPS, slotsPerWorker);
  }

  /** One slice's cost beyond its documents. */
  public Duration perSlice() {
    return settle.plus(roundTrips);
  }

  /**
   * The time {@code slices} slices' own costs take on {@code workers} workers: their round trips in the copy slots or
   * their settle delays in the settling slots, whichever pool takes longer.
   */
  public Duration total(long slices, int workers) {
    double copySlots = (double) workers * slotsPerWorker;
    double trips = slices * roundTrips.toMillis() / copySlots;
    double settling = slices * settle.toMillis() / (copySlots * SETTLING_PER_SLOT);
    return Duration.ofMillis((long) Math.ceil(Math.max(trips, settling)));
  }
}
