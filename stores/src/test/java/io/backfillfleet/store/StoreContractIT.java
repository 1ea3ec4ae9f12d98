package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store contract, against every real server kind. */
class StoreContractIT {
  static final Instant FROM = Instant.parse("2024-03-01T00:00:00Z");
  static final Instant TO = Instant.parse("2024-03-08T00:00:00Z");

  static List<StoreFixture> engines() {
    return StoreFixture.all();
  }

  private static Set<String> readAll(WindowReader r, int pageSize) {
    Set<String> ids = new HashSet<>();
    for (boolean last = false; !last; ) {
      Page p = r.readPage(pageSize);
      for (Doc d : p.docs()) assertThat(ids.add(d.id())).as("read once: " + d.id()).isTrue();
      last = p.last();
    }
    return ids;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void readsEveryDocumentOfAHalfOpenWindowExactlyOnce(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("window");
    List<Doc> docs = new ArrayList<>(TestDocs.series("acme", 600, FROM.minusSeconds(3600), 997_000));
    docs.add(TestDocs.doc("acme", "at-from", FROM, "backfill"));
    docs.add(TestDocs.doc("acme", "just-before-to", TO.minusMillis(1), "backfill"));
    docs.add(TestDocs.doc("acme", "at-to", TO, "backfill"));
    docs.add(TestDocs.doc("acme", "just-before-from", FROM.minusMillis(1), "backfill"));
    docs.add(TestDocs.doc("globex", "other-tenant", FROM.plusSeconds(5), "backfill"));
    docs.add(TestDocs.doc("acme", "no-ts-1", null, "backfill"));
    docs.add(TestDocs.doc("acme", "no-ts-2", null, "backfill"));
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      TimeWindow w = TimeWindow.of(FROM, TO);
      Set<String> expected = docs.stream()
          .filter(d -> d.fields().get("tenant").equals("acme") && d.fields().containsKey("ts")
              && w.contains(Instant.parse((String) d.fields().get("ts"))))
          .map(Doc::id).collect(Collectors.toSet());
      assertThat(expected).contains("at-from", "just-before-to").doesNotContain("at-to", "just-before-from");

      try (WindowReader r = store.reader("acme", w, Cursor.START)) {
        assertThat(readAll(r, 37)).isEqualTo(expected);
      }
      assertThat(store.count("acme", w)).isEqualTo(expected.size());
      try (WindowReader r = store.reader("acme", TimeWindow.withoutTimestamp(), Cursor.START)) {
        assertThat(readAll(r, 1)).containsExactlyInAnyOrder("no-ts-1", "no-ts-2");
      }
      assertThat(store.count("acme", TimeWindow.withoutTimestamp())).isEqualTo(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void aSavedCursorResumesInANewStoreInstance(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("resume");
    List<Doc> docs = TestDocs.series("acme", 250, FROM, 60_000);
    // duplicates of the same timestamp exercise the id tie-breaker of the sort
    for (int i = 0; i < 30; i++) docs.add(TestDocs.doc("acme", "same-ts-" + i, FROM.plusSeconds(600), "backfill"));
    TimeWindow w = TimeWindow.of(FROM, TO);
    Set<String> firstPart = new HashSet<>();
    String saved;
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      try (WindowReader r = store.reader("acme", w, Cursor.START)) {
        Page p = null;
        for (int i = 0; i < 3; i++) {
          p = r.readPage(20);
          p.docs().forEach(d -> firstPart.add(d.id()));
        }
        saved = p.next().value();
      }
    }
    assertThat(firstPart).hasSize(60);
    try (SearchStore fresh = Stores.open("source", cfg); WindowReader r = fresh.reader("acme", w, Cursor.of(saved))) {
      Set<String> rest = readAll(r, 50);
      assertThat(rest).doesNotContainAnyElementsOf(firstPart);
      Set<String> union = new HashSet<>(firstPart);
      union.addAll(rest);
      assertThat(union).isEqualTo(docs.stream().map(Doc::id).collect(Collectors.toSet()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void createOnlyKeepsLiveDocumentsAndReportsEveryOutcome(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("create");
    try (SearchStore target = Stores.open("target", cfg)) {
      List<Doc> live = List.of(TestDocs.doc("acme", "acme-2", FROM, "live"), TestDocs.doc("acme", "acme-5", FROM, "live"),
          TestDocs.doc("acme", "acme-8", FROM, "live"));
      TestDocs.write(target, live);

      List<Doc> page = new ArrayList<>(TestDocs.series("acme", 20, FROM, 1000));
      Map<String, Object> bad = new LinkedHashMap<>(TestDocs.doc("acme", "bad-1", FROM, "backfill").fields());
      bad.put("n", "not-a-number");
      page.add(new Doc("bad-1", bad));
      WriteResult r = target.createIfAbsent(page);
      assertThat(r.alreadyPresent()).containsExactlyInAnyOrder("acme-2", "acme-5", "acme-8");
      assertThat(r.created()).hasSize(17).doesNotContain("acme-2", "acme-5", "acme-8", "bad-1");
      assertThat(r.rejected()).singleElement().satisfies(rej -> {
        assertThat(rej.id()).isEqualTo("bad-1");
        assertThat(rej.reason()).isNotBlank();
      });
      target.makeVisible();
      assertThat(target.count("acme", TimeWindow.of(FROM, TO))).isEqualTo(20);
      try (WindowReader reader = target.reader("acme", TimeWindow.of(FROM, TO), Cursor.START)) {
        Map<String, Object> origins = new LinkedHashMap<>();
        for (boolean last = false; !last; ) {
          Page p = reader.readPage(100);
          p.docs().forEach(d -> origins.put(d.id(), d.fields().get("origin")));
          last = p.last();
        }
        assertThat(origins).containsEntry("acme-2", "live").containsEntry("acme-5", "live").containsEntry("acme-8", "live")
            .containsEntry("acme-3", "backfill");
      }
      assertThat(target.existingIds(TestDocs.keys("acme-2", "acme-3", "nope", "bad-1"))).containsExactlyInAnyOrder("acme-2", "acme-3");
      // a whole page of long ids in one lookup (too many for a URL)
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 1500; i++) many.add("a-rather-long-document-identifier-for-lookups-" + i);
      many.add("acme-4");
      assertThat(target.existingIds(TestDocs.keys(many))).containsExactly("acme-4");
      assertThat(TestDocs.byId(target.versions(TestDocs.keys(many)))).containsOnlyKeys("acme-4");
      assertThat(target.existingIds(TestDocs.keys("acme-4"))).containsExactly("acme-4"); // one id alone
      assertThat(target.existingIds(TestDocs.keys("nope"))).isEmpty();
      assertThat(TestDocs.byId(target.versions(TestDocs.keys("acme-4")))).containsOnlyKeys("acme-4");
      assertThat(target.versions(TestDocs.keys("nope"))).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void conditionalDeleteNeverRemovesADocumentThatChangedSinceItsVersionWasRead(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("cond");
    try (SearchStore target = Stores.open("target", cfg)) {
      TestDocs.write(target, List.of(TestDocs.doc("acme", "a", FROM, "backfill"), TestDocs.doc("acme", "b", FROM, "backfill")));
      Map<DocKey, String> seen = target.versions(TestDocs.keys("a", "b", "missing"));
      assertThat(seen).containsOnlyKeys(TestDocs.keys("a", "b"));
      DocKey a = DocKey.of("a");
      DocKey b = DocKey.of("b");
      // a live writer replaces 'b' after its version was read
      assertThat(target.deleteIfUnchanged(Map.of(b, seen.get(b)))).containsExactly("b");
      TestDocs.write(target, List.of(TestDocs.doc("acme", "b", FROM, "live")));
      assertThat(target.deleteIfUnchanged(Map.of(a, seen.get(a), b, seen.get(b)))).containsExactly("a");
      // already gone: not counted as deleted, not an error
      assertThat(target.deleteIfUnchanged(Map.of(a, seen.get(a)))).isEmpty();
      target.makeVisible();
      assertThat(target.existingIds(TestDocs.keys("a", "b"))).containsExactly("b");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void histogramBucketsSumToTheCountAndTenantCountsToTheTotal(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("hist");
    List<Doc> docs = new ArrayList<>();
    docs.addAll(TestDocs.series("big", 700, FROM, 7_000));               // ~1.4 hours
    docs.addAll(TestDocs.series("small", 40, FROM.minusSeconds(86_400 * 30), 86_400_000)); // 40 days
    docs.add(TestDocs.doc("small", "small-nots", null, "backfill"));
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      List<TenantSpan> tenants = store.tenants();
      assertThat(tenants).extracting(TenantSpan::tenant).containsExactlyInAnyOrder("big", "small");
      assertThat(tenants.stream().mapToLong(TenantSpan::docs).sum()).isEqualTo(docs.size());
      TenantSpan small = tenants.stream().filter(t -> t.tenant().equals("small")).findFirst().orElseThrow();
      assertThat(small.docsWithoutTimestamp()).isEqualTo(1);
      assertThat(small.first()).isEqualTo(FROM.minusSeconds(86_400 * 30));
      assertThat(small.last()).isEqualTo(FROM.minusSeconds(86_400 * 30).plusMillis(39L * 86_400_000));

      Instant from = FROM.minusSeconds(86_400 * 31).plusMillis(123);
      TimeWindow w = TimeWindow.of(from, FROM.plusSeconds(86_400));
      for (String tenant : List.of("big", "small")) {
        Histogram h = store.histogram(tenant, w, Duration.ofHours(6));
        assertThat(h.total()).as(tenant).isEqualTo(store.count(tenant, w));
        assertThat(h.buckets().get(0).start()).isEqualTo(from);
        assertThat(h.buckets().get(h.buckets().size() - 1).end()).isEqualTo(w.to());
        for (Histogram.Bucket b : h.buckets()) {
          if (b.count() > 0) assertThat(store.count(tenant, TimeWindow.of(b.start(), b.end()))).isEqualTo(b.count());
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void anUnreachableStoreFailsAfterBoundedRetriesNamingTheEndpoint(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("down");
    StoreConfig dead = (cfg.zkHost() != null
        ? new StoreConfig("solr", List.of("http://127.0.0.1:9/solr"), null, cfg.collection(), null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null)
        : cfg.withEndpoints(List.of("http://127.0.0.1:9"))).withRetries(3, Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> {
      try (SearchStore store = Stores.open("target", dead)) {
        store.createIfAbsent(TestDocs.series("acme", 2, FROM, 1));
      }
    }).isInstanceOf(StoreException.class).hasMessageContaining("127.0.0.1:9");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
  }

  /** A document with no tenant field at all. */
  private static Doc withoutTenant(String id, Instant ts) {
    Doc d = TestDocs.doc("x", id, ts, "backfill");
    Map<String, Object> f = new LinkedHashMap<>(d.fields());
    f.remove("tenant");
    return new Doc(id, f);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void documentsWithoutATenantAndTheEmptyTenantAreListedCountedAndReadApart(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("notenant");
    List<Doc> docs = new ArrayList<>(TestDocs.series("acme", 3, FROM, 1000));
    docs.add(TestDocs.doc("", "empty-1", FROM.plusSeconds(5), "backfill"));
    docs.add(TestDocs.doc("", "empty-nots", null, "backfill"));
    for (int i = 0; i < 3; i++) docs.add(withoutTenant("none-" + i, FROM.plusSeconds(60L * i)));
    docs.add(withoutTenant("none-nots", null));
    TimeWindow w = TimeWindow.of(FROM, TO);
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, docs);
      store.requireUsableFields();
      Map<String, TenantSpan> spans = new LinkedHashMap<>();
      store.tenants().forEach(t -> spans.put(t.tenant(), t));
      assertThat(spans.keySet()).containsExactlyInAnyOrder("acme", "", TenantSpan.NO_TENANT);
      assertThat(spans.get(TenantSpan.NO_TENANT)).isEqualTo(new TenantSpan(null, 4, FROM, FROM.plusSeconds(120), 1));
      assertThat(spans.get("")).isEqualTo(new TenantSpan("", 2, FROM.plusSeconds(5), FROM.plusSeconds(5), 1));
      assertThat(store.totalDocs()).isEqualTo(docs.size());
      assertThat(spans.values().stream().mapToLong(TenantSpan::docs).sum()).isEqualTo(docs.size());

      assertThat(store.count(TenantSpan.NO_TENANT, w)).isEqualTo(3);
      assertThat(store.count(TenantSpan.NO_TENANT, TimeWindow.withoutTimestamp())).isEqualTo(1);
      assertThat(store.histogram(TenantSpan.NO_TENANT, w, Duration.ofDays(1)).total()).isEqualTo(3);
      assertThat(store.count("", w)).isEqualTo(1);
      try (WindowReader r = store.reader(TenantSpan.NO_TENANT, w, Cursor.START)) {
        assertThat(readAll(r, 2)).containsExactlyInAnyOrder("none-0", "none-1", "none-2");
      }
      try (WindowReader r = store.reader(TenantSpan.NO_TENANT, TimeWindow.withoutTimestamp(), Cursor.START)) {
        assertThat(readAll(r, 2)).containsExactly("none-nots");
      }
      try (WindowReader r = store.reader("", TimeWindow.withoutTimestamp(), Cursor.START)) {
        assertThat(readAll(r, 2)).containsExactly("empty-nots");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("engines")
  void fieldsReadingCannotUseAndAMissingCollectionAreNamed(StoreFixture engine) {
    StoreConfig cfg = engine.newCollection("fields");
    try (SearchStore store = Stores.open("source", cfg)) {
      TestDocs.write(store, TestDocs.series("acme", 2, FROM, 1000));
      store.requireExists();
    }
    assertThatThrownBy(() -> check(fields(cfg, "tenant", "title", "id")))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("timestampField 'title' is text")
        .hasMessageContaining("not a date");
    assertThatThrownBy(() -> check(fields(cfg, "tenant", "n", "id")))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("timestampField 'n' is").hasMessageContaining("not a date");
    assertThatThrownBy(() -> check(fields(cfg, "tenant", "created", "id")))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("timestampField 'created' is not in the");
    assertThatThrownBy(() -> check(fields(cfg, "body", "ts", "no_such_id")))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("tenantField 'body' is text")
        .hasMessageContaining("idField 'no_such_id' is not in the");
    StoreConfig missing = new StoreConfig(cfg.engine(), cfg.endpoints(), cfg.zkHost(), cfg.collection() + "-typo", null,
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    try (SearchStore store = Stores.open("target", missing)) {
      for (int i = 0; i < 2; i++) { // twice: checking created nothing
        assertThatThrownBy(store::requireExists).isInstanceOf(StoreConfigException.class)
            .hasMessageContaining(cfg.collection() + "-typo").hasMessageContaining("does not exist");
      }
    }
  }

  private static StoreConfig fields(StoreConfig c, String tenant, String ts, String id) {
    return new StoreConfig(c.engine(), c.endpoints(), c.zkHost(), c.collection(), tenant, ts, id, null, null, null, null,
        null, null, null, null, null, null, null, null, null);
  }

  private static void check(StoreConfig c) {
    try (SearchStore store = Stores.open("source", c)) {
      store.requireUsableFields();
    }
  }
}
