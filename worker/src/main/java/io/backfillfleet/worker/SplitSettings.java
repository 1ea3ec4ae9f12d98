package io.backfillfleet.worker;

import java.time.Duration;

/**
 * When this worker splits the slices it holds (issue 18; {@code work --split}).
 *
 * @param auto          split a long slice while other workers are idle ({@code --split auto}); off: never
 * @param minRemaining  a slice expected to end sooner than this is never split: a new claim, point-in-time and settle
 *                      delay cost more than they save
 * @param minDocs       neither part of a split may be estimated below this many documents
 * @param checkEvery    how often a held slice looks at whether it should split (a count on the source when it might)
 */
public record SplitSettings(boolean auto, Duration minRemaining, long minDocs, Duration checkEvery) {
  public static final SplitSettings AUTO = new SplitSettings(true, Duration.ofSeconds(30), 10_000, Duration.ofSeconds(5));
  public static final SplitSettings OFF = new SplitSettings(false, AUTO.minRemaining, AUTO.minDocs, AUTO.checkEvery);

  public SplitSettings {
    if (minRemaining == null || minRemaining.isNegative()) throw new IllegalArgumentException("minRemaining < 0");
    if (minDocs < 1) throw new IllegalArgumentException("minDocs must be at least 1");
    if (checkEvery == null || checkEvery.isNegative()) throw new IllegalArgumentException("checkEvery < 0");
  }

  public SplitSettings withMinRemaining(Duration d) {
    return new SplitSettings(auto, d, minDocs, checkEvery);
  }

  public SplitSettings withMinDocs(long n) {
    return new SplitSettings(auto, minRemaining, n, checkEvery);
  }

  public SplitSettings withCheckEvery(Duration d) {
    return new SplitSettings(auto, minRemaining, minDocs, d);
  }
}
