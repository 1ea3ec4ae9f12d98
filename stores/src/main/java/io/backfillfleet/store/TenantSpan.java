package io.backfillfleet.store;

import java.time.Instant;

/** A tenant's history: documents, first and last timestamp (null when none has one), and those without one. */
public record TenantSpan(String tenant, long docs, Instant first, Instant last, long docsWithoutTimestamp) {}
