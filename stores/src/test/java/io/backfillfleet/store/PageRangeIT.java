package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backfillfleet.testkit.ElasticsearchNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page range proof on real Elasticsearch nodes: a page read on a point-in-time that opened after a watermark
 * snapshot is the whole of its (timestamp, id) key range, and a later count of that range below the watermark
 * drops for every deleted or rewritten document while live inserts into the same range (old timestamps, a tie at
 * the page's boundary) cannot stand in for them. A count of the same range without the watermark would.
 */
class PageRangeIT {
  private static final Instant T0 = Instant.parse("2022-03-01T00:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"es7", "es8", "es710", "os1", "os2"}) // 7.10 OSS and OpenSearch 1.3: no point-in-time
  void aRangeCountSeesDeletesAndRewritesAndNotLaterInserts(String es) {
    ElasticsearchNode node = StoreFixture.node(es);
    StoreConfig cfg = StoreFixture.es(es).newCollection("ranged");
    try (SearchStore s = Stores.open("source", cfg)) {
      List<Doc> docs = new ArrayList<>();
      // three documents a second: pages of 20 end inside a tie (d18, d19 | d20 share a timestamp)
      for (int i = 0; i < 60; i++) docs.add(TestDocs.doc("tenant-a", String.format("d%02d", i), T0.plusSeconds(i / 3), "b"));
      docs.add(TestDocs.doc("tenant-b", "other", T0.plusSeconds(3), "b")); // inside page 1's time range, other tenant
      s.createIfAbsent(docs);
      s.makeVisible();
      TimeWindow w = TimeWindow.of(T0, T0.plusSeconds(60));
      // the first read takes a snapshot of the shards' checkpoints and refreshes the index once after it, so it may
      // use the snapshot at once (later snapshots wait out a refresh and a margin)
      assertThat(readAll(s, w).get(0).rangesCoverDocs()).as("a store's first read, after its one refresh").isTrue();
      List<Page> pages = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> readAll(s, w), ps -> ps.get(0).rangesCoverDocs());
      assertThat(pages).hasSize(4); // 20 + 20 + 20, then the empty last page
      List<PageRange> ranges = new ArrayList<>();
      for (Page p : pages.subList(0, 3)) {
        assertThat(p.rangesCoverDocs()).isTrue();
        assertThat(p.ranges()).hasSize(1);
        ranges.add(p.ranges().get(0));
      }
      // the watermark is the least shard's checkpoint: the other shard's newest documents count as changed
      assertThat(ranges.stream().mapToLong(PageRange::unchanged).sum()).as("most documents are below the watermark")
          .isGreaterThan(40);
      assertThat(s.countUnchanged(ranges)).containsExactly(OptionalLong.of(ranges.get(0).unchanged()),
          OptionalLong.of(ranges.get(1).unchanged()), OptionalLong.of(ranges.get(2).unchanged()));
      // the three pages' ranges join into one (same watermark, one after the other, across the tie at 6 s): one
      // count for the three pages
      List<PageRange> joined = s.joinConsecutive(ranges);
      long all = ranges.stream().mapToLong(PageRange::unchanged).sum();
      assertThat(joined).hasSize(1);
      assertThat(joined.get(0).unchanged()).isEqualTo(all);
      assertThat(joined.get(0).changed()).hasSize(ranges.stream().mapToInt(r -> r.changed().size()).sum());
      assertThat(s.countUnchanged(joined)).containsExactly(OptionalLong.of(all));

      // live traffic: two deletes and a rewrite in page 1, inserts with old timestamps into pages 1 and 2
      assertThat(s.deleteIfUnchanged(s.versions(TestDocs.keys("d01", "d05")))).hasSize(2);
      String index = node.httpUrl() + "/" + cfg.collection() + "/_doc/";
      StoreFixture.put(index + "d07", "{\"id\":\"d07\",\"tenant\":\"tenant-a\",\"ts\":\"" + T0.plusSeconds(2) + "\"}");
      // d10a and d13a inside page 1's time span; d02a and d18a at its first and last timestamps (d18a sorts
      // between d18 and d19, inside the page); d20a at page 2's first timestamp, past page 1's last document (d19)
      for (String[] late : new String[][] {{"d02a", "0"}, {"d10a", "3"}, {"d13a", "4"}, {"d18a", "6"}, {"d20a", "6"}}) {
        StoreFixture.put(index + late[0], "{\"id\":\"" + late[0] + "\",\"tenant\":\"tenant-a\",\"ts\":\""
            + T0.plusSeconds(Long.parseLong(late[1])) + "\"}");
      }
      s.makeVisible();

      long lost = Stream.of("d01", "d05", "d07").filter(id -> !ranges.get(0).changed().contains(DocKey.of(id))).count();
      assertThat(lost).as("d01, d05 and d07 were below the watermark").isPositive();
      assertThat(s.countUnchanged(ranges)).as("page 1 lost d01, d05 and the old d07; the inserts are stamped above the watermark")
          .containsExactly(OptionalLong.of(ranges.get(0).unchanged() - lost), OptionalLong.of(ranges.get(1).unchanged()),
              OptionalLong.of(ranges.get(2).unchanged()));
      assertThat(s.countUnchanged(joined)).as("the joined range loses what page 1 lost; the inserts at the tie, inside"
          + " it now, are stamped above the watermark").containsExactly(OptionalLong.of(all - lost));
      // the same key ranges counted whatever the stamp: d10a and d13a would have hidden page 1's two deletes
      List<PageRange> unstamped = ranges.stream().map(r -> new PageRange(r.tenant(), r.window(), r.bounds(),
          Long.MAX_VALUE, r.unchanged(), r.changed())).toList();
      assertThat(s.countUnchanged(unstamped)).containsExactly(OptionalLong.of(20), OptionalLong.of(20),
          OptionalLong.of(20));
    }
  }

  /**
   * The same proof on Solr 8 and 9, read through /export or with cursorMark, with {@code _version_} as the stamp and the least of the
   * shard leaders' newest update-log versions as the watermark. No refresh is asked of a Solr source: the first
   * snapshot ages a soft commit and a margin before a read may use it.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"solr8, /export", "solr9, /export", "solr8, cursorMark"})
  void onSolrARangeCountSeesDeletesAndRewritesAndNotLaterInserts(String cluster, String path) throws Exception {
    StoreConfig cfg = SolrExportIT.collection(cluster, path.equals("/export")
        ? io.backfillfleet.testkit.SolrTestCluster.DOCVALUES_CONFIGSET : io.backfillfleet.testkit.SolrTestCluster.CONFIGSET);
    try (SearchStore s = Stores.open("source", cfg)) {
      String collection = s.nodeUrls().get(0) + "/" + cfg.collection();
      post(collection + "/config", "{\"set-property\":{\"updateHandler.autoSoftCommit.maxTime\":500}}");
      List<Doc> docs = new ArrayList<>();
      for (int i = 0; i < 60; i++) docs.add(solrDoc("tenant-a", String.format("d%02d", i), T0.plusSeconds(i / 3)));
      docs.add(solrDoc("tenant-b", "other", T0.plusSeconds(3))); // inside page 1's time range, other tenant
      TestDocs.write(s, docs);
      // later writes on both shards (20 random ids miss one of two shards once in 500,000 runs): each leader's
      // newest version is above every tenant-a document, so all of them are below the watermark
      List<Doc> later = new ArrayList<>();
      for (int i = 0; i < 20; i++) later.add(solrDoc("tenant-c", java.util.UUID.randomUUID().toString(), T0));
      TestDocs.write(s, later);
      s.makeVisible();
      TimeWindow w = TimeWindow.of(T0, T0.plusSeconds(60));
      assertThat(s.readPath()).startsWith("Solr " + path);
      assertThat(readAll(s, w).get(0).ranges()).as("the first snapshot is too new for a read opening now").isEmpty();
      List<Page> pages = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> readAll(s, w), ps -> ps.get(0).rangesCoverDocs());
      assertThat(pages).hasSize(4); // 20 + 20 + 20, then the empty last page
      List<PageRange> ranges = new ArrayList<>();
      for (Page p : pages.subList(0, 3)) {
        assertThat(p.rangesCoverDocs()).isTrue();
        ranges.add(p.ranges().get(0));
      }
      assertThat(ranges).allSatisfy(r -> assertThat(r.unchanged()).isEqualTo(20));
      assertThat(s.countUnchanged(ranges)).containsExactly(OptionalLong.of(20), OptionalLong.of(20), OptionalLong.of(20));
      List<PageRange> joined = s.joinConsecutive(ranges);
      assertThat(joined).hasSize(1);
      assertThat(s.countUnchanged(joined)).containsExactly(OptionalLong.of(60));

      // live traffic: two deletes and a rewrite in page 1, inserts with old timestamps into pages 1 and 2
      assertThat(s.deleteIfUnchanged(s.versions(TestDocs.keys("d01", "d05")))).hasSize(2);
      StringBuilder live = new StringBuilder("[").append(solrJson("d07", 2));
      for (String[] late : new String[][] {{"d02a", "0"}, {"d10a", "3"}, {"d13a", "4"}, {"d18a", "6"}, {"d20a", "6"}}) {
        live.append(',').append(solrJson(late[0], Long.parseLong(late[1])));
      }
      post(collection + "/update?commit=true", live.append(']').toString());

      assertThat(s.countUnchanged(ranges)).as("page 1 lost d01, d05 and the old d07; the inserts are stamped above the"
          + " watermark").containsExactly(OptionalLong.of(17), OptionalLong.of(20), OptionalLong.of(20));
      assertThat(s.countUnchanged(joined)).as("the joined range loses what page 1 lost").containsExactly(OptionalLong.of(57));
      // the same key ranges counted whatever the stamp: d10a and d13a would have hidden page 1's two deletes
      List<PageRange> unstamped = ranges.stream().map(r -> new PageRange(r.tenant(), r.window(), r.bounds(),
          Long.MAX_VALUE, r.unchanged(), r.changed())).toList();
      assertThat(s.countUnchanged(unstamped)).containsExactly(OptionalLong.of(20), OptionalLong.of(20),
          OptionalLong.of(20));
    }
  }

  /** A document of the /export configset (every field single-valued with docValues). */
  private static Doc solrDoc(String tenant, String id, Instant ts) {
    java.util.Map<String, Object> f = new java.util.LinkedHashMap<>();
    f.put("id", id);
    f.put("tenant", tenant);
    f.put("ts", ts.toString());
    f.put("origin", "history");
    return new Doc(id, f);
  }

  /** A tenant-a document as live traffic writes it: a plain add, which replaces one of the same id. */
  private static String solrJson(String id, long second) {
    return "{\"id\":\"" + id + "\",\"tenant\":\"tenant-a\",\"ts\":\"" + T0.plusSeconds(second) + "\",\"origin\":\"live\"}";
  }

  private static void post(String url, String json) throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException("POST " + url + " -> " + r.statusCode() + " " + r.body());
  }

  private static List<Page> readAll(SearchStore s, TimeWindow w) {
    List<Page> pages = new ArrayList<>();
    try (WindowReader r = s.reader("tenant-a", w, Cursor.START)) {
      Page p;
      do {
        p = r.readPage(20);
        pages.add(p);
      } while (!p.last());
    }
    return pages;
  }
}
