package io.backfillfleet.planner;

import io.backfillfleet.store.TimeWindow;

/**
 * One planned slice: a tenant's window and its measured size.
 *
 * @param hotSpot the window is a single finest bucket (one millisecond) holding more than the target: no time
 *                cut can split it, so it is kept whole and reported
 */
public record SliceSpec(String id, String tenant, TimeWindow window, long estimatedDocs, boolean hotSpot) {}
