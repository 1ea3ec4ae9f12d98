package io.backfillfleet.store.bench;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a test: measures, per engine and on the same generated documents in one run, the read-only rate, the
 * create-only write rate (into the target's cluster) and a one-thread copy rate, and prints the copy's ratio to the serial limit
 * 1/(1/read + 1/write). Run with scripts/bench-stores.sh [docs].
 */
public final class StoreBenchmark {
  static final Instant T0 = Instant.parse("2023-01-01T00:00:00Z");
  static final int PAGE = 1000;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<Doc> docs = generate(n);
    System.out.printf("%-14s %10s %10s %10s %12s %8s%n", "engine", "write/s", "read/s", "copy/s", "serial-limit", "ratio");
    run("solr->solr", docs, solr(SolrTestCluster.legacy(), "bench-src"), solr(SolrTestCluster.target(), "bench-scratch"),
        solr(SolrTestCluster.target(), "bench-dst"));
    run("es8->es8", docs, es(ElasticsearchNode.es8(), "bench-src"), es(ElasticsearchNode.es8(), "bench-scratch"),
        es(ElasticsearchNode.es8(), "bench-dst"));
    System.exit(0);
  }

  /**
   * Seeds the source (untimed), then measures on warm caches: a full read of the source, create-only writes into a
   * scratch collection on the target's cluster, and a one-thread copy source -> target (read a page, write it).
   */
  static void run(String name, List<Doc> docs, StoreConfig srcCfg, StoreConfig scratchCfg, StoreConfig dstCfg) {
    try (SearchStore src = Stores.open("source", srcCfg); SearchStore scratch = Stores.open("target", scratchCfg);
         SearchStore dst = Stores.open("target", dstCfg)) {
      for (int i = 0; i < docs.size(); i += PAGE) {
        WriteResult r = src.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + PAGE)));
        if (r.created().size() != Math.min(PAGE, docs.size() - i)) throw new IllegalStateException("seed: " + r.rejected());
      }
      src.makeVisible();
      TimeWindow all = TimeWindow.of(T0, T0.plusSeconds(86_400L * 400));
      readAll(src, all); // warm-up pass: every measured pass below runs on warm caches
      long t = System.nanoTime();
      long read = readAll(src, all);
      double readRate = rate(read, t);
      t = System.nanoTime();
      for (int i = 0; i < docs.size(); i += PAGE) scratch.createIfAbsent(docs.subList(i, Math.min(docs.size(), i + PAGE)));
      scratch.makeVisible();
      double write = rate(docs.size(), t);
      t = System.nanoTime();
      long copied = 0;
      try (WindowReader r = src.reader("bench", all, Cursor.START)) {
        for (Page p = r.readPage(PAGE); ; p = r.readPage(PAGE)) {
          copied += dst.createIfAbsent(p.docs()).created().size();
          if (p.last()) break;
        }
      }
      dst.makeVisible();
      double copy = rate(copied, t);
      if (read != docs.size() || copied != docs.size()) throw new IllegalStateException("read " + read + " copied " + copied);
      double serial = 1 / (1 / readRate + 1 / write);
      System.out.printf("%-14s %10.0f %10.0f %10.0f %12.0f %8.2f%n", name, write, readRate, copy, serial, copy / serial);
    }
  }

  static long readAll(SearchStore src, TimeWindow all) {
    long n = 0;
    try (WindowReader r = src.reader("bench", all, Cursor.START)) {
      for (Page p = r.readPage(PAGE); ; p = r.readPage(PAGE)) {
        n += p.docs().size();
        if (p.last()) break;
      }
    }
    return n;
  }

  static double rate(long docs, long t0) {
    return docs / ((System.nanoTime() - t0) / 1e9);
  }

  static List<Doc> generate(int n) {
    List<Doc> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      String id = "bench-" + i;
      f.put("id", id);
      f.put("tenant", "bench");
      f.put("ts", T0.plusSeconds(300L * i).toString());
      f.put("title", "title number " + i);
      f.put("body", "a small body of text for document " + i + " lorem ipsum dolor sit amet");
      f.put("n", i % 1000);
      f.put("amount", i * 0.5);
      f.put("tags", List.of("t" + (i % 7), "u" + (i % 11)));
      out.add(new Doc(id, f));
    }
    return out;
  }

  static StoreConfig solr(SolrTestCluster c, String coll) {
    c.createCollection(coll, 2);
    return StoreConfig.solrCloud(c.zkHost() + "/solr", coll);
  }

  static StoreConfig es(ElasticsearchNode node, String index) throws Exception {
    String mapping = """
        {"settings":{"number_of_shards":2,"number_of_replicas":0},"mappings":{"properties":{"id":{"type":"keyword"},
        "tenant":{"type":"keyword"},"ts":{"type":"date"},"title":{"type":"text"},"body":{"type":"text"},
        "n":{"type":"integer"},"amount":{"type":"double"},"tags":{"type":"keyword"}}}}""";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/" + index))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(mapping)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) throw new IllegalStateException(r.body());
    return StoreConfig.elasticsearch(node.httpUrl(), index);
  }
}
