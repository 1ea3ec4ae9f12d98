package io.backfillfleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.TenantSpan;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The slices of a job in one state or of one tenant, for {@code status --state/--tenant}. */
final class SliceListView {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private SliceListView() {}

  static Map<String, WorkNode> select(JobStatus s, SliceState state, String tenant) {
    Map<String, WorkNode> out = new LinkedHashMap<>();
    s.slices().forEach((id, w) -> {
      if (state != null && w.state() != state) return;
      if (tenant != null && !hasTenant(w, tenant)) return;
      out.put(id, w);
    });
    return out;
  }

  /** Whether the slice covers the tenant (plain slices have one; packed slices list theirs as parts). */
  static boolean hasTenant(WorkNode w, String tenant) {
    return w.windows().stream().anyMatch(p -> Objects.equals(p.tenant(), tenant));
  }

  /** The tenant column: the tenant, or how many a packed slice covers. */
  static String tenantLabel(WorkNode w) {
    return w.packed() ? w.windows().stream().map(p -> p.tenant()).distinct().count() + " tenants (packed)"
        : TenantSpan.label(w.tenant());
  }

  static String json(JobStatus s, SliceState state, String tenant) {
    try {
      return JSON.writeValueAsString(select(s, state, tenant)) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String table(JobStatus s, SliceState state, String tenant) {
    Map<String, WorkNode> sel = select(s, state, tenant);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d slices of job %s%s%s%n", sel.size(),
        s.spec().name(), state == null ? "" : " in state " + state, tenant == null ? "" : " of tenant " + tenant));
    sb.append(String.format(Locale.ROOT, "%-44s %-24s %-8s %5s %12s %12s  %s%n", "SLICE", "TENANT", "STATE", "TRIES",
        "READ", "ESTIMATED", "LAST ERROR"));
    sel.forEach((id, w) -> sb.append(String.format(Locale.ROOT, "%-44s %-24s %-8s %5d %,12d %,12d  %s%n", id,
        tenantLabel(w), w.state() + (s.claims().containsKey(id) ? "*" : ""), w.attempts(), w.docsRead(),
        w.estimatedDocs(), w.lastError() == null ? "" : w.lastError().replaceAll("\\s+", " "))));
    if (sel.keySet().stream().anyMatch(s.claims()::containsKey)) sb.append("* held now\n");
    if (!s.corruptSlices().isEmpty()) { // whatever the selection: a node that cannot be read may be in it
      sb.append(String.format(Locale.ROOT, "%n%d CORRUPT work node(s): no worker can copy them; restore or 'backfill"
          + " reset' them%n", s.corruptSlices().size()));
      s.corruptSlices().forEach((id, why) -> sb.append(id).append(": ").append(why).append('\n'));
    }
    return sb.toString();
  }
}
