package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched histograms (many tenants in one query) equal the per-tenant ones, against every real server kind:
 * each tenant's buckets start at its own first timestamp, also for the documents without a tenant and the empty
 * tenant.
 */
class BatchedHistogramIT {
  static final Instant T0 = Instant.parse("2024-03-01T07:13:21.457Z");

  static List<StoreFixture> engines() {
    return StoreFixture.all();
  }

  private static Doc withoutTenant(String id, Instant ts) {
    Map<String, Object> f = new LinkedHashMap<>(TestDocs.doc("x", id, ts, "backfill").fields());
    f.remove("tenant");
    return new Doc(id, f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void aBatchAnswersInOneQueryWhatEachTenantsHistogramAnswers(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("batchhist");
    List<Doc> docs = new ArrayList<>();
    docs.addAll(TestDocs.series("acme", 400, T0, 997_003)); // about 4.6 days, every bucket a different count
    docs.addAll(TestDocs.series("globex", 30, T0.plusSeconds(86_400 * 2 + 17), 3_600_001));
    docs.addAll(TestDocs.series("a,b {!x} \"q\"", 7, T0.plusMillis(1), 40_000_000)); // characters a query must escape
    docs.add(TestDocs.doc("globex", "globex-nots", null, "backfill"));
    for (int i = 0; i < 5; i++) docs.add(TestDocs.doc("", "empty-" + i, T0.plusSeconds(50_000L * i + 3), "backfill"));
    for (int i = 0; i < 6; i++) docs.add(withoutTenant("none-" + i, T0.plusSeconds(70_000L * i + 11)));
    docs.add(withoutTenant("none-nots", null));
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      List<HistogramRequest> requests = new ArrayList<>();
      for (TenantSpan t : store.tenants()) {
        // the window the planner measures: first timestamp to just after the last
        requests.add(new HistogramRequest(t.tenant(), TimeWindow.of(t.first(), t.last().plusMillis(1))));
      }
      assertThat(requests).extracting(HistogramRequest::tenant)
          .containsExactlyInAnyOrder("acme", "globex", "a,b {!x} \"q\"", "", TenantSpan.NO_TENANT);
      // a part of one tenant's history, and a window where a tenant has nothing
      requests.add(new HistogramRequest("acme", TimeWindow.of(T0.plusSeconds(3600), T0.plusSeconds(3 * 86_400 + 5))));
      requests.add(new HistogramRequest("globex", TimeWindow.of(T0.minusSeconds(86_400 * 9), T0.minusSeconds(86_400))));

      for (Duration bucket : List.of(Duration.ofDays(1), Duration.ofHours(1))) {
        HistogramBatch batch = store.histograms(requests, bucket);
        // Elasticsearch: one query for the whole batch; Solr: one per request, each reading only its tenant's documents
        assertThat(batch.queries()).isEqualTo(engine.toString().startsWith("solr") ? requests.size() : 1);
        assertThat(batch.histograms()).hasSize(requests.size());
        for (int i = 0; i < requests.size(); i++) {
          HistogramRequest r = requests.get(i);
          assertThat(batch.histograms().get(i)).as(TenantSpan.label(r.tenant()) + " " + r.window() + " by " + bucket)
              .isEqualTo(store.histogram(r.tenant(), r.window(), bucket));
        }
        assertThat(batch.histograms().get(0).total()).isPositive();
        // and each bucket holds what a count of its window finds (a query that neither histogram path uses)
        String first = requests.get(0).tenant();
        for (Histogram.Bucket b : batch.histograms().get(0).buckets()) {
          assertThat(b.count()).as(TenantSpan.label(first) + " " + b.start())
              .isEqualTo(store.count(first, TimeWindow.of(b.start(), b.end())));
        }
      }
      // the totals per tenant are the tenants' timed documents
      HistogramBatch days = store.histograms(requests.subList(0, 5), Duration.ofDays(1));
      Map<String, Long> totals = new LinkedHashMap<>();
      for (int i = 0; i < 5; i++) totals.put(requests.get(i).tenant(), days.histograms().get(i).total());
      assertThat(totals).containsEntry("acme", 400L).containsEntry("globex", 30L).containsEntry("", 5L)
          .containsEntry(TenantSpan.NO_TENANT, 6L).containsEntry("a,b {!x} \"q\"", 7L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void aBatchTooBigForOneAnswerIsSplitIntoSeveralQueries(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("batchsplit");
    List<Doc> docs = new ArrayList<>(TestDocs.series("acme", 50, T0, 86_400_000L * 7)); // a year of weekly documents
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      // 6 windows of a year by the hour: 8,760 buckets each, more than one query may answer
      TimeWindow year = TimeWindow.of(T0, T0.plusSeconds(365L * 86_400));
      List<HistogramRequest> requests = new ArrayList<>();
      for (int i = 0; i < 6; i++) requests.add(new HistogramRequest("acme", year));
      HistogramBatch batch = store.histograms(requests, Duration.ofHours(1));
      assertThat(batch.queries()).isGreaterThan(1);
      Histogram one = store.histogram("acme", year, Duration.ofHours(1));
      assertThat(batch.histograms()).hasSize(6).allSatisfy(h -> assertThat(h).isEqualTo(one));
      assertThat(one.total()).isEqualTo(50);
    }
  }
}
