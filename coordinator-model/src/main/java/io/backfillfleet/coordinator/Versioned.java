package io.backfillfleet.coordinator;

/** A decoded znode with the version it was read at, for conditional writes. */
public record Versioned<T>(T value, int version) {}
