package io.backfillfleet.coordinator;

import java.time.Instant;

/** The last verification of a slice: source and target counts of its window, compared after a commit/refresh. */
public record SliceVerification(long sourceCount, long targetCount, long missingInTarget, long extraInTarget,
    boolean matches, Instant checkedAt) {}
