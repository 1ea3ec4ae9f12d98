package io.backfillfleet.store;

import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.LegacySolr8Cluster;
import io.backfillfleet.testkit.SolrTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** One kind of real server the store tests run against; each call makes a fresh collection or index. */
abstract class StoreFixture {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private final String name;

  StoreFixture(String name) {
    this.name = name;
  }

  abstract StoreConfig newCollection(String prefix);

  String uniqueName(String prefix) {
    return (prefix + "-" + name + "-" + SEQ.incrementAndGet()).toLowerCase(Locale.ROOT).replace('.', '_');
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * Solr 9 on the shared "legacy" and "new" clusters, Solr 8.11, Elasticsearch 7.17, 8, (where a JDK exists) 9 and
   * 7.10 OSS (no point-in-time), OpenSearch 1.3 (no point-in-time), 2.19 and (where a JDK exists) 3.
   */
  static List<StoreFixture> all() {
    List<StoreFixture> out = new ArrayList<>(List.of(solr("solr-legacy", true), solr("solr-new", false), solr8(),
        es("es7"), es("es8")));
    if (ElasticsearchNode.es9().isPresent()) out.add(es("es9"));
    out.add(es("es710"));
    out.add(es("os1"));
    out.add(es("os2"));
    if (ElasticsearchNode.opensearch3().isPresent()) out.add(es("os3"));
    return out;
  }

  /** The shared Elasticsearch or OpenSearch node of that name (es7, es8, es9, es710, os1, os2, os3). */
  static ElasticsearchNode node(String name) {
    return switch (name) {
      case "es9" -> ElasticsearchNode.es9().orElseThrow();
      case "es7" -> ElasticsearchNode.es7();
      case "es710" -> ElasticsearchNode.es710();
      case "os1" -> ElasticsearchNode.opensearch1();
      case "os2" -> ElasticsearchNode.opensearch2();
      case "os3" -> ElasticsearchNode.opensearch3().orElseThrow();
      default -> ElasticsearchNode.es8();
    };
  }

  static StoreFixture solr(String name, boolean legacy) {
    return new StoreFixture(name) {
      @Override
      StoreConfig newCollection(String prefix) {
        SolrTestCluster c = legacy ? SolrTestCluster.legacy() : SolrTestCluster.target();
        String coll = uniqueName(prefix);
        c.createCollection(coll, 2);
        return StoreConfig.solrCloud(c.zkHost() + "/solr", coll);
      }
    };
  }

  /** The legacy major: Solr 8.11.4 in its own JVM, read and written with SolrJ 9. */
  static StoreFixture solr8() {
    return new StoreFixture("solr8") {
      @Override
      StoreConfig newCollection(String prefix) {
        String coll = uniqueName(prefix);
        LegacySolr8Cluster.shared().createCollection(coll, 2);
        return StoreConfig.solrCloud(LegacySolr8Cluster.shared().zkHost(), coll);
      }
    };
  }

  static StoreFixture es(String name) {
    return new StoreFixture(name) {
      @Override
      StoreConfig newCollection(String prefix) {
        ElasticsearchNode node = node(name);
        String index = uniqueName(prefix);
        String mapping = """
            {"settings":{"number_of_shards":2,"number_of_replicas":0},
             "mappings":{"properties":{
               "id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},
               "title":{"type":"text"},"body":{"type":"text"},"n":{"type":"integer"},"amount":{"type":"double"},
               "tags":{"type":"keyword"},"origin":{"type":"keyword"}}}}""";
        put(node.httpUrl() + "/" + index, mapping);
        return StoreConfig.restApi(node.engine(), node.httpUrl(), index);
      }
    };
  }

  static void put(String url, String json) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) throw new IllegalStateException("PUT " + url + " -> " + r.statusCode() + " " + r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
