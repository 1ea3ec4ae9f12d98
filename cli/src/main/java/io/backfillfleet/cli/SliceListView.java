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

/** The slices of a job in one state, of one tenant or touched by a split, for {@code status --state/--tenant/--split}. */
final class SliceListView {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private SliceListView() {}

  /** What {@code status} lists: slices in a state, of a tenant, and (with {@code split}) split or split off only. */
  record Selection(SliceState state, String tenant, boolean split) {
    String describe() {
      return (state == null ? "" : " in state " + state) + (tenant == null ? "" : " of tenant " + tenant)
          + (split ? " split while running or split off" : "");
    }
  }

  static Map<String, WorkNode> select(JobStatus s, Selection by) {
    Map<String, WorkNode> out = new LinkedHashMap<>();
    s.slices().forEach((id, w) -> {
      if (by.state() != null && w.state() != by.state()) return;
      if (by.tenant() != null && !hasTenant(w, by.tenant())) return;
      if (by.split() && w.lineage() == null) return;
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

  /** Where a slice stands in its plan slice's splits: split N times, split off another, or empty if neither. */
  static String lineageLabel(WorkNode w) {
    if (w.lineage() == null) return "";
    String from = w.lineage().splitFrom() == null ? "" : "off " + w.lineage().splitFrom();
    String splits = w.lineage().splits() == 0 ? "" : "split " + w.lineage().splits() + "x";
    return from.isEmpty() || splits.isEmpty() ? from + splits : from + ", " + splits;
  }

  static String json(JobStatus s, Selection by) {
    try {
      return JSON.writeValueAsString(select(s, by)) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String table(JobStatus s, Selection by) {
    Map<String, WorkNode> sel = select(s, by);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d slices of job %s%s%n", sel.size(),
        s.spec().name(), by.describe()));
    sb.append(String.format(Locale.ROOT, "%-44s %-24s %-8s %5s %12s %12s  %-28s %s%n", "SLICE", "TENANT", "STATE",
        "TRIES", "READ", "ESTIMATED", "SPLIT", "LAST ERROR"));
    sel.forEach((id, w) -> sb.append(String.format(Locale.ROOT, "%-44s %-24s %-8s %5d %,12d %,12d  %-28s %s%n", id,
        tenantLabel(w), w.state() + (s.claims().containsKey(id) ? "*" : ""), w.attempts(), w.docsRead(),
        w.estimatedDocs(), lineageLabel(w), w.lastError() == null ? "" : w.lastError().replaceAll("\\s+", " "))));
    if (sel.keySet().stream().anyMatch(s.claims()::containsKey)) sb.append("* held now\n");
    if (!s.corruptSlices().isEmpty()) { // whatever the selection: a node that cannot be read may be in it
      sb.append(String.format(Locale.ROOT, "%n%d CORRUPT work node(s): no worker can copy them; restore or 'backfill"
          + " reset' them%n", s.corruptSlices().size()));
      s.corruptSlices().forEach((id, why) -> sb.append(id).append(": ").append(why).append('\n'));
    }
    return sb.toString();
  }
}
