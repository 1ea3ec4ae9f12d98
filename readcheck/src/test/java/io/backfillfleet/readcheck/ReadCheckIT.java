package io.backfillfleet.readcheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.readcheck.ReadCheckReport.ShapeVerdict;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.testkit.ElasticsearchNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read check on real clusters: identical clusters are ready (Solr to Solr, Elasticsearch to Elasticsearch, Solr
 * to Elasticsearch with generated queries); a target missing 1% of one tenant's documents, one with a field changed, and one behind an injected
 * delay are each flagged in the right query shapes.
 */
class ReadCheckIT {
  private static final List<Doc> HISTORY = Clusters.history();
  private static StoreConfig esLegacy;
  private static StoreConfig esCopy;

  @BeforeAll
  static void seedElasticsearch() {
    esLegacy = Clusters.es("legacy");
    esCopy = Clusters.es("new");
    Clusters.seed(esLegacy, HISTORY);
    Clusters.seed(esCopy, HISTORY);
  }

  private static Map<String, ShapeVerdict> byShape(ReadCheckReport r) {
    return r.shapes().stream().collect(Collectors.toMap(ShapeVerdict::shape, s -> s));
  }

  @Test
  void identicalSolrClustersAreReadyForGeneratedAndCapturedReads(@TempDir Path dir) throws Exception {
    StoreConfig legacy = Clusters.solr(true);
    StoreConfig fresh = Clusters.solr(false);
    Clusters.seed(legacy, HISTORY);
    Clusters.seed(fresh, HISTORY);
    try (ReadCheckSession s = Clusters.open(legacy, fresh, Clusters.settings(0, 20, null))) {
      List<QueryPair> generated = s.generate(Clusters.generate("origin"));
      // 4 tenants: a total, up to 6 months, the newest ten and the top origins each
      assertThat(generated).hasSizeGreaterThan(4 * 4);
      Path captured = dir.resolve("captured.jsonl");
      String c = legacy.collection();
      Files.writeString(captured, String.join("\n",
          "{\"path\": \"/solr/" + c + "/select\", \"params\": {\"q\": \"title:title\", \"fq\": [\"tenant:mid\"], \"rows\": 5,"
              + " \"sort\": \"id asc\"}}",
          "{\"path\": \"/solr/" + c + "/get\", \"params\": {\"id\": \"big-7\"}}",
          "{\"path\": \"/solr/" + c + "/select\", \"params\": {\"q\": \"*:*\", \"rows\": 0, \"facet\": \"true\","
              + " \"facet.field\": \"tags\"}}"));
      List<QueryPair> pairs = new java.util.ArrayList<>(generated);
      pairs.addAll(s.readQueries(captured));
      s.replay(pairs, 2, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.requests()).isEqualTo(pairs.size() * 2L);
      assertThat(r.worst()).isEmpty();
      assertThat(r.mismatches()).isZero();
      assertThat(r.legacy().errors() + r.candidate().errors()).isZero();
      assertThat(r.gate().ready()).as(r.gate().reasons().toString()).isTrue();
      assertThat(byShape(r)).containsKeys("count per tenant", "count per tenant and month", "newest 10 documents per tenant",
          "top values of origin per tenant", "GET /solr/{collection}/get ?id");
      assertThat(r.legacy().latency().p99()).isPositive();
    }
  }

  @Test
  void aTargetMissingOnePercentOfATenantAndAChangedFieldAreFlaggedInTheirShapes() throws Exception {
    StoreConfig fresh = Clusters.es("damaged");
    Clusters.seed(fresh, HISTORY);
    String url = fresh.endpoints().get(0) + "/" + fresh.collection();
    // 1% of tenant "big" missing (20 of 2,000, spread over its months); the newest "mid" document's title changed
    StringBuilder deletes = new StringBuilder();
    for (int i = 50; i < 2000; i += 100) deletes.append("{\"delete\":{\"_id\":\"big-").append(i).append("\"}}\n");
    Clusters.send("POST", url + "/_bulk?refresh=true", deletes.toString());
    Clusters.send("POST", url + "/_update/mid-399?refresh=true", "{\"doc\":{\"title\":\"changed by hand\"}}");
    try (ReadCheckSession s = Clusters.open(esLegacy, fresh, Clusters.settings(0, 1000, null))) {
      List<QueryPair> pairs = s.generate(Clusters.generate("origin"));
      s.replay(pairs, 1, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.gate().ready()).isFalse();
      Map<String, ShapeVerdict> shapes = byShape(r);
      ShapeVerdict total = shapes.get("count per tenant");
      assertThat(total.verdict()).isEqualTo("differs");
      assertThat(total.mismatches()).isEqualTo(1); // only "big", of four tenants
      assertThat(shapes.get("count per tenant and month").mismatches()).isEqualTo(6); // each of big's six months
      assertThat(shapes.get("top values of origin per tenant").kinds()).containsKey(Difference.Kind.BUCKETS);
      ShapeVerdict newest = shapes.get("newest 10 documents per tenant");
      // "big": its newest ten are all there, only the total differs; "mid": one title
      assertThat(newest.mismatches()).isEqualTo(2);
      assertThat(newest.kinds()).containsOnlyKeys(Difference.Kind.HITS, Difference.Kind.FIELDS);
      assertThat(r.worst()).anySatisfy(e -> {
        assertThat(e.label()).isEqualTo("tenant mid");
        assertThat(e.differences()).anyMatch(d -> d.contains("id mid-399 field 'title'") && d.contains("changed by hand"));
        assertThat(e.candidateCurl()).contains("/" + fresh.collection() + "/_search").contains("--data-binary");
      });
      assertThat(r.worst()).anySatisfy(e -> {
        assertThat(e.label()).isEqualTo("tenant big");
        assertThat(e.differences()).anyMatch(d -> d.startsWith("HITS: legacy 2000 hits, new 1980"));
      });
      assertThat(r.gate().reasons()).anyMatch(x -> x.contains("of reads differ"));
    }
  }

  @Test
  void identicalElasticsearchIndicesAreReady() throws Exception {
    try (ReadCheckSession s = Clusters.open(esLegacy, esCopy, Clusters.settings(0, 20, null))) {
      List<QueryPair> pairs = s.generate(Clusters.generate("origin"));
      s.replay(pairs, 2, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.requests()).isEqualTo(pairs.size() * 2L);
      assertThat(r.mismatches()).isZero();
      assertThat(r.gate().ready()).as(r.gate().reasons().toString()).isTrue();
      assertThat(r.shapes()).allSatisfy(v -> assertThat(v.verdict()).isEqualTo("same"));
    }
  }

  @Test
  void elasticsearchToOpenSearchIsOneQueryLanguageAndReady() throws Exception {
    StoreConfig openSearch = Clusters.index(ElasticsearchNode.opensearch2(), "opensearch");
    Clusters.seed(openSearch, HISTORY);
    try (ReadCheckSession s = Clusters.open(esLegacy, openSearch, Clusters.settings(0, 20, null))) {
      assertThat(s.sameEngine()).as("the mirror may send each read unchanged to both").isTrue();
      List<QueryPair> pairs = s.generate(Clusters.generate("origin"));
      assertThat(pairs).allSatisfy(p -> assertThat(p.candidate().path()).isEqualTo(p.legacy().path()
          .replace(esLegacy.collection(), openSearch.collection())));
      s.replay(pairs, 1, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.requests()).isEqualTo(pairs.size());
      assertThat(r.mismatches()).as(r.worst().toString()).isZero();
      assertThat(r.gate().ready()).as(r.gate().reasons().toString()).isTrue();
    }
  }

  @Test
  void aSlowTargetIsFlaggedSlowerInEveryShape() throws Exception {
    // 1.5 s more per read against a gate of 2x: legacy's own p99 would have to pass 750 ms (a loaded machine's
    // worst seen is ~100 ms) for the delay not to show
    try (DelayingProxy slow = new DelayingProxy(esCopy.endpoints().get(0), 1500);
         ReadCheckSession s = Clusters.open(esLegacy, esCopy, Clusters.settings(0, 2, slow.url()))) {
      s.replay(s.generate(Clusters.generate(null)), 1, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.mismatches()).isZero();
      assertThat(r.candidate().latency().p50()).isGreaterThanOrEqualTo(1500);
      assertThat(r.latencyRatio()).isGreaterThan(2);
      assertThat(r.gate().ready()).isFalse();
      assertThat(r.gate().reasons()).singleElement().asString().contains("new p99 is");
      assertThat(r.shapes()).allSatisfy(v -> assertThat(v.verdict()).isEqualTo("slower"));
      System.out.printf("slow target: p99 legacy %.1f ms, new %.1f ms (%.1fx)%n", r.legacy().latency().p99(),
          r.candidate().latency().p99(), r.latencyRatio());
    }
  }

  @Test
  void solrToElasticsearchWithGeneratedQueriesInBothEnginesIsReady() throws Exception {
    StoreConfig legacy = Clusters.solr(true);
    Clusters.seed(legacy, HISTORY);
    try (ReadCheckSession s = Clusters.open(legacy, esCopy, Clusters.settings(0, 1000, null))) {
      List<QueryPair> pairs = s.generate(Clusters.generate("tags"));
      assertThat(pairs.get(0).legacy().path()).endsWith("/select");
      assertThat(pairs.get(0).candidate().path()).endsWith("/_count");
      s.replay(pairs, 1, 4, 0, n -> { });
      ReadCheckReport r = s.report();
      assertThat(r.worst()).isEmpty();
      assertThat(r.requests()).isEqualTo(pairs.size());
      assertThat(r.gate().ready()).isTrue();
      assertThat(byShape(r).get("top values of tags per tenant").requests()).isEqualTo(4);
    }
  }

  @Test
  void aWriteThatReachedOneClusterWithinTheSettleDelayIsLagNotAMismatch() throws Exception {
    StoreConfig legacy = Clusters.es("lag-legacy");
    StoreConfig fresh = Clusters.es("lag-new");
    List<Doc> mid = HISTORY.stream().filter(d -> "mid".equals(d.fields().get("tenant"))).toList();
    Clusters.seed(legacy, mid);
    Clusters.seed(fresh, mid);
    String late = "{\"id\":\"%s\",\"tenant\":\"mid\",\"ts\":\"2025-06-30T00:00:00Z\"}";
    try (ReadCheckSession s = Clusters.open(legacy, fresh, new ReadCheckSettings(List.of(), false,
        java.time.Duration.ofSeconds(2), new ReadinessGate(0, 1000), null, null))) {
      QueryPair count = s.generate(Clusters.generate(null)).stream().filter(p -> p.shape().equals("count per tenant"))
          .findFirst().orElseThrow();
      // the dual-writer's first write has reached legacy only when the read is asked...
      Clusters.send("PUT", legacy.endpoints().get(0) + "/" + legacy.collection() + "/_doc/late-1?refresh=true",
          late.formatted("late-1"));
      s.check().ask(count);
      // ...and its second write reaches the new cluster within the settle delay
      Clusters.send("PUT", fresh.endpoints().get(0) + "/" + fresh.collection() + "/_doc/late-1?refresh=true",
          late.formatted("late-1"));
      assertThat(s.check().awaitReasks(java.time.Duration.ofSeconds(60))).isTrue();
      ReadCheckReport r = s.report();
      assertThat(r.requests()).isEqualTo(1);
      assertThat(r.settled()).isEqualTo(1);
      assertThat(r.mismatches()).isZero();
    }
    try (ReadCheckSession s = Clusters.open(legacy, fresh, new ReadCheckSettings(List.of(), false,
        java.time.Duration.ofSeconds(1), new ReadinessGate(0, 1000), null, null))) {
      QueryPair count = s.generate(Clusters.generate(null)).stream().filter(p -> p.shape().equals("count per tenant"))
          .findFirst().orElseThrow();
      // a write that never reaches the new cluster is still missing after the delay: a mismatch
      Clusters.send("PUT", legacy.endpoints().get(0) + "/" + legacy.collection() + "/_doc/late-2?refresh=true",
          late.formatted("late-2"));
      s.check().ask(count);
      assertThat(s.check().awaitReasks(java.time.Duration.ofSeconds(60))).isTrue();
      ReadCheckReport r = s.report();
      assertThat(r.mismatches()).isEqualTo(1);
      assertThat(r.settled()).isZero();
      assertThat(r.worst().get(0).differences()).containsExactly("HITS: legacy 402 hits, new 401 (-1)");
    }
  }
}
