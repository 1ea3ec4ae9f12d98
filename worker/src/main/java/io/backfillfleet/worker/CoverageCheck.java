package io.backfillfleet.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.TenantSpan;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * verify's check that the job's slices cover the source: the documents of the selected tenants that are in no
 * slice must be in the target too, outside its slices. A document in no slice was never copied; only a live
 * dual-write (written after the plan, to both clusters) can legitimately be outside every slice, and it is then
 * outside them on both clusters. So the check compares "total minus the slices' counts" on both sides: a source
 * surplus is documents no slice copied (the documents without a tenant before they were planned, a tenant that
 * appeared after the plan).
 */
public final class CoverageCheck {
  private CoverageCheck() {}

  /** The totals of both clusters and their slices' counts. */
  public record Result(long sourceDocs, long sourceInSlices, long targetDocs, long targetInSlices, boolean selection) {
    public long sourceOutside() {
      return sourceDocs - sourceInSlices;
    }

    public long targetOutside() {
      return targetDocs - targetInSlices;
    }

    /** Every source document outside the slices is matched by one in the target (a dual-write). */
    public boolean covered() {
      return sourceOutside() <= Math.max(0, targetOutside());
    }

    public String describe() {
      String what = selection ? "the selected tenants have" : "the source has";
      String line = String.format(Locale.ROOT, "coverage: %s %d documents, %d in the job's slices; outside the slices:"
          + " source %d, target %d", what, sourceDocs, sourceInSlices, sourceOutside(), targetOutside());
      if (covered()) return line + " (live dual-writes since the plan, if any): every document is covered";
      return "MISMATCH " + line + ": " + (sourceOutside() - Math.max(0, targetOutside())) + " source documents are in no"
          + " slice and not in the target (a tenant that appeared after the plan, or documents without a tenant in a job"
          + " planned by an older version: 'plan --add-tenants' adds their slices)";
    }
  }

  /**
   * @param counts each slice's counts (source, target), by slice id, for every slice of the job
   */
  static Result measure(JobSpec spec, Map<String, WorkNode> slices, Map<String, long[]> counts, SourceStore source,
      SourceStore target) {
    Selection sel = Selection.of(spec, slices);
    long src = 0;
    long tgt = 0;
    for (long[] c : counts.values()) {
      src += c[0];
      tgt += c[1];
    }
    return new Result(sel.docs(source), src, sel.docs(target), tgt, sel.any());
  }

  /** The tenant selection the job was planned with, widened by every tenant it has slices of (plan --add-tenants). */
  private record Selection(Set<String> include, Set<String> exclude, boolean noTenantPlanned) {
    static Selection of(JobSpec spec, Map<String, WorkNode> slices) {
      Set<String> include = strings(spec.plan(), "tenants");
      Set<String> exclude = strings(spec.plan(), "exclude");
      boolean noTenant = false;
      if (!include.isEmpty()) {
        for (WorkNode w : slices.values()) {
          for (io.backfillfleet.coordinator.SlicePart p : w.windows()) { // a packed slice's tenants too
            if (p.missingTenant()) noTenant = true;
            else include.add(p.tenant());
          }
        }
      }
      return new Selection(include, exclude, noTenant);
    }

    boolean any() {
      return !include.isEmpty() || !exclude.isEmpty();
    }

    long docs(SourceStore store) {
      if (!any()) return store.totalDocs();
      long n = 0;
      for (TenantSpan t : store.tenants()) {
        boolean in = t.missingTenant() ? include.isEmpty() || noTenantPlanned
            : (include.isEmpty() || include.contains(t.tenant())) && !exclude.contains(t.tenant());
        if (in) n += t.docs();
      }
      return n;
    }

    private static Set<String> strings(JsonNode plan, String field) {
      Set<String> out = new HashSet<>();
      if (plan != null) plan.path(field).forEach(n -> out.add(n.asText()));
      return out;
    }
  }
}
