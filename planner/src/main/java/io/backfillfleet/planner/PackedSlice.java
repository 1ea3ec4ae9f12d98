package io.backfillfleet.planner;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One slice covering the windows of several small tenants: one work node, one claim, one settle delay for all of
 * them. {@code parts} are the tenants' own planned windows, in copy order.
 */
public record PackedSlice(String id, List<SliceSpec> parts) {
  public PackedSlice {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) throw new IllegalArgumentException("a packed slice needs at least one window");
  }

  public long estimatedDocs() {
    return parts.stream().mapToLong(SliceSpec::estimatedDocs).sum();
  }

  /** The tenants of the slice, each once, in copy order (null: the documents without a tenant value). */
  public List<String> tenants() {
    List<String> out = new ArrayList<>();
    for (SliceSpec s : parts) {
      if (out.isEmpty() || !Objects.equals(out.get(out.size() - 1), s.tenant())) out.add(s.tenant());
    }
    return out;
  }
}
