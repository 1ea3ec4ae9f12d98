package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CopyProgress;

/**
 * How many rejected documents a slice may have before it fails, like Kafka Connect's {@code errors.tolerance}
 * (job file {@code errors:}). A slice past its limit fails for good with the reason, instead of copying on while
 * the target refuses what it is sent: a mapping error over a billion documents should stop a migration early.
 *
 * <ul>
 *   <li>{@code tolerance: none}: the first rejected document fails its slice;</li>
 *   <li>{@code tolerance: all}: rejections are counted and listed, up to {@code maxRejected} (documents of a slice)
 *       and {@code maxRejectedRatio} (of the documents the slice read so far, checked once it read
 *       {@value #RATIO_MIN_DOCS}, so one odd document in a small slice does not fail it); a limit left out has none.
 *   </li>
 * </ul>
 * Without an {@code errors} section: {@link #DEFAULT}, tolerance all with a ratio of 10 %: odd documents are
 * listed and the copy goes on, a systematic mapping error (most documents rejected) fails the slice within its
 * first pages.
 */
public record RejectionPolicy(String tolerance, Long maxRejected, Double maxRejectedRatio) {
  public static final long RATIO_MIN_DOCS = 1000;
  public static final RejectionPolicy DEFAULT = new RejectionPolicy("all", null, 0.1);

  public RejectionPolicy {
    tolerance = tolerance == null ? "all" : tolerance;
    if (!tolerance.equals("all") && !tolerance.equals("none")) {
      throw new IllegalArgumentException("errors.tolerance must be 'all' or 'none', not '" + tolerance + "'");
    }
    if (maxRejected != null && maxRejected < 0) {
      throw new IllegalArgumentException("errors.maxRejected must be 0 or more, not " + maxRejected);
    }
    if (maxRejectedRatio != null && !(maxRejectedRatio >= 0 && maxRejectedRatio <= 1)) {
      throw new IllegalArgumentException("errors.maxRejectedRatio must be between 0 and 1 (0.01 = 1 %), not "
          + maxRejectedRatio);
    }
    if (tolerance.equals("none") && (maxRejected != null || maxRejectedRatio != null)) {
      throw new IllegalArgumentException("errors.tolerance none fails a slice at its first rejected document;"
          + " maxRejected and maxRejectedRatio are limits for tolerance all");
    }
  }

  /** Whether a slice with these counts is past the limit, and which limit. */
  record Verdict(boolean exceeded, String limit) {
    static final Verdict WITHIN = new Verdict(false, null);
  }

  Verdict check(CopyProgress p) {
    long rejected = p.docsRejected();
    if (rejected == 0) return Verdict.WITHIN;
    if (tolerance.equals("none")) return new Verdict(true, "the job's errors.tolerance is none");
    if (maxRejected != null && rejected > maxRejected) {
      return new Verdict(true, "more than the job's errors.maxRejected (" + maxRejected + ")");
    }
    if (maxRejectedRatio != null && p.docsRead() >= RATIO_MIN_DOCS && rejected > maxRejectedRatio * p.docsRead()) {
      return new Verdict(true, "more than the job's errors.maxRejectedRatio (" + maxRejectedRatio + ")");
    }
    return Verdict.WITHIN;
  }
}
