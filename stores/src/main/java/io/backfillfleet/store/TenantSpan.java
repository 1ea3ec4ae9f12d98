package io.backfillfleet.store;

import java.time.Instant;

/**
 * A tenant's history: documents, first and last timestamp (null when none has one), and those without one.
 *
 * <p>{@code tenant} is null for the documents that have no tenant value ({@link #NO_TENANT}): they are planned,
 * copied and verified as a tenant of their own. Null is the one value no real tenant can have; the empty string is
 * a real tenant value, distinct from it.
 */
public record TenantSpan(String tenant, long docs, Instant first, Instant last, long docsWithoutTimestamp) {
  /** The tenant value standing for "the document has no tenant value" in every store method that takes a tenant. */
  public static final String NO_TENANT = null;

  public boolean missingTenant() {
    return tenant == null;
  }

  /** A tenant for messages and reports: the no-tenant documents and the empty-string tenant are told apart. */
  public static String label(String tenant) {
    if (tenant == null) return "(no tenant)";
    return tenant.isEmpty() ? "\"\" (empty tenant)" : tenant;
  }
}
