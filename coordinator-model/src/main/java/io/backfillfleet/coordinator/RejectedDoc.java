package io.backfillfleet.coordinator;

/** A document the target refused, with the target's reason. */
public record RejectedDoc(String id, String reason) {}
