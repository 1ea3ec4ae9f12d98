package io.backfillfleet.readcheck;

import io.backfillfleet.store.TenantSpan;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds a query set from the legacy cluster's tenants, in both clusters' words: per sampled tenant, its total
 * count, its count in each of its newest months, its newest documents (whole, so fields are compared too), and
 * optionally the top values of a field the user names. Tenants are sampled evenly along the list sorted by size,
 * so the biggest, the smallest and those between are all asked; documents without a tenant value are not.
 */
public final class QueryGenerator {

  /**
   * @param sampleTenants how many tenants to ask about (all when there are fewer)
   * @param months        newest months per tenant to count
   * @param newest        documents in the "newest" query
   * @param facetField    the field to facet on, or null for none
   */
  public record Settings(int sampleTenants, int months, int newest, String facetField, int facetLimit) {
    public Settings {
      if (sampleTenants < 1) throw new IllegalArgumentException("--sample-tenants must be at least 1");
      if (months < 0) throw new IllegalArgumentException("--months must not be negative");
      if (newest < 1 || newest > 1000) throw new IllegalArgumentException("--newest must be 1..1000");
    }
  }

  private final QueryDialect legacy;
  private final QueryDialect candidate;
  private final Settings settings;

  QueryGenerator(QueryDialect legacy, QueryDialect candidate, Settings settings) {
    this.legacy = legacy;
    this.candidate = candidate;
    this.settings = settings;
  }

  /** For the two stores' configs, asking through {@code legacyUrl} and {@code newUrl} (their paths prefix requests). */
  public static QueryGenerator of(io.backfillfleet.store.StoreConfig legacyConfig, String legacyUrl,
      io.backfillfleet.store.StoreConfig newConfig, String newUrl, Settings settings) {
    return new QueryGenerator(QueryDialect.of(legacyConfig, legacyUrl), QueryDialect.of(newConfig, newUrl), settings);
  }

  public List<QueryPair> generate(List<TenantSpan> tenants) {
    List<TenantSpan> named = tenants.stream().filter(t -> !t.missingTenant() && t.docs() > 0)
        .sorted(Comparator.comparingLong(TenantSpan::docs).reversed().thenComparing(TenantSpan::tenant)).toList();
    List<TenantSpan> sample = new ArrayList<>();
    int n = Math.min(settings.sampleTenants(), named.size());
    for (int i = 0; i < n; i++) sample.add(named.get((int) ((long) i * named.size() / n)));
    List<QueryPair> out = new ArrayList<>();
    for (TenantSpan t : sample) {
      String who = "tenant " + TenantSpan.label(t.tenant());
      out.add(new QueryPair(legacy.count(t.tenant(), null, null), candidate.count(t.tenant(), null, null),
          "count per tenant", who));
      if (t.last() != null && t.first() != null) {
        YearMonth last = YearMonth.from(t.last().atOffset(ZoneOffset.UTC));
        YearMonth first = YearMonth.from(t.first().atOffset(ZoneOffset.UTC));
        for (int m = 0; m < settings.months() && !last.minusMonths(m).isBefore(first); m++) {
          YearMonth ym = last.minusMonths(m);
          Instant from = ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
          Instant to = ym.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
          out.add(new QueryPair(legacy.count(t.tenant(), from, to), candidate.count(t.tenant(), from, to),
              "count per tenant and month", who + " " + ym));
        }
      }
      out.add(new QueryPair(legacy.newest(t.tenant(), settings.newest()), candidate.newest(t.tenant(), settings.newest()),
          "newest " + settings.newest() + " documents per tenant", who));
      if (settings.facetField() != null) {
        out.add(new QueryPair(legacy.facet(t.tenant(), settings.facetField(), settings.facetLimit()),
            candidate.facet(t.tenant(), settings.facetField(), settings.facetLimit()),
            "top values of " + settings.facetField() + " per tenant", who));
      }
    }
    return out;
  }
}
