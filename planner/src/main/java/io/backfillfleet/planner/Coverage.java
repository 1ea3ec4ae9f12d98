package io.backfillfleet.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a plan covers of its source, so the dry run can prove it: the source's total next to the sum of the slices'
 * estimates, and where the difference is.
 *
 * @param sourceDocs        every document of the source, whatever its tenant
 * @param plannedDocs       the sum of the slices' estimates
 * @param noTenantDocs      documents without a tenant value (in slices of their own when selected)
 * @param unselectedDocs    documents of tenants the selection left out
 * @param unselectedTenants how many tenants the selection left out
 */
public record Coverage(long sourceDocs, long plannedDocs, long noTenantDocs, long unselectedDocs, int unselectedTenants) {

  /** Documents neither in a slice nor left out on purpose (negative: the slices count more than the source has). */
  public long unexplained() {
    return sourceDocs - plannedDocs - unselectedDocs;
  }

  public boolean complete() {
    return sourceDocs == plannedDocs;
  }

  /** One line: the two totals, then what is not covered and why. */
  public String describe() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "COVERAGE: the source has %d documents, the slices' estimates add up to %d", sourceDocs, plannedDocs));
    if (noTenantDocs > 0) sb.append(String.format(Locale.ROOT, " (%d without a tenant value, in slices of their own)",
        noTenantDocs));
    if (complete()) return sb.append("; every document is in a slice").toString();
    List<String> why = new ArrayList<>();
    if (unselectedDocs > 0) {
      why.add(String.format(Locale.ROOT, "%d documents of %d tenants not selected (plan.tenants / plan.exclude,"
          + " --tenants / --exclude)", unselectedDocs, unselectedTenants));
    }
    long rest = unexplained();
    if (rest > 0) {
      why.add(String.format(Locale.ROOT, "%d documents in no slice (written while planning? run the dry run again)",
          rest));
    } else if (rest < 0) {
      why.add(String.format(Locale.ROOT, "the slices count %d documents more than the source has (a multi-valued tenant"
          + " field puts a document in several tenants, or documents were deleted while planning)", -rest));
    }
    return sb.append("; not covered: ").append(String.join("; ", why)).toString();
  }
}
