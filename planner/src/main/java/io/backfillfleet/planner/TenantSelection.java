package io.backfillfleet.planner;

import io.backfillfleet.store.TenantSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Which tenants to plan: all (the default), a given list, minus exclusions. */
public record TenantSelection(Set<String> include, Set<String> exclude) {
  public static final TenantSelection ALL = new TenantSelection(Set.of(), Set.of());

  public TenantSelection {
    include = include == null ? Set.of() : Set.copyOf(include);
    exclude = exclude == null ? Set.of() : Set.copyOf(exclude);
  }

  /** Applies the selection; an unknown tenant is an error that names the closest existing ones. */
  public List<TenantSpan> apply(List<TenantSpan> available) {
    Map<String, TenantSpan> byName = available.stream()
        .collect(Collectors.toMap(TenantSpan::tenant, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    Set<String> unknown = new LinkedHashSet<>(include);
    unknown.addAll(exclude);
    unknown.removeAll(byName.keySet());
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      Set<String> named = new java.util.HashSet<>(byName.keySet());
      named.remove(null);
      throw new IllegalArgumentException("unknown tenant" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " in the source; closest names to '" + first + "': " + closest(first, named));
    }
    List<TenantSpan> out = new ArrayList<>();
    for (TenantSpan t : available) {
      // the documents without a tenant have no name to list: planned unless a list of tenants is given
      if (t.missingTenant()) {
        if (include.isEmpty()) out.add(t);
      } else if ((include.isEmpty() || include.contains(t.tenant())) && !exclude.contains(t.tenant())) {
        out.add(t);
      }
    }
    return out;
  }

  static List<String> closest(String name, Set<String> names) {
    return names.stream().sorted(Comparator.comparingInt((String n) -> distance(name, n)).thenComparing(n -> n))
        .limit(3).toList();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
