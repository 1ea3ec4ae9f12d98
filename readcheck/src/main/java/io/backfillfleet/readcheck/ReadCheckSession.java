package io.backfillfleet.readcheck;

import com.codahale.metrics.MetricRegistry;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * One comparison of the legacy cluster (the job's source) with the new one (its target): opens both, and
 * replays, generates or mirrors reads through one {@link ReadCheck}; then reports. What the {@code compare} and
 * {@code mirror} commands run.
 */
public final class ReadCheckSession implements AutoCloseable {
  private final StoreConfig legacyConfig;
  private final StoreConfig newConfig;
  private final ReadCheckSettings settings;
  private final SearchStore legacyStore;
  private final SearchStore newStore;
  private final ClusterClient legacy;
  private final ClusterClient candidate;
  // the stores' own node URLs, resolved once (Solr through zkHost asks ZooKeeper); null where a URL was given
  private final List<String> legacyNodes;
  private final List<String> newNodes;
  private final ReadTraffic traffic;
  private final ReadCheckMetrics metrics;
  private final ReadCheck check;

  private ReadCheckSession(StoreConfig legacyConfig, StoreConfig newConfig, ReadCheckSettings settings,
      MetricRegistry registry, Map<String, String> env) {
    this.legacyConfig = legacyConfig; // Stores.open checks both
    this.newConfig = newConfig;
    this.settings = settings;
    SearchStore l = null;
    SearchStore n = null;
    try {
      l = Stores.open("source", legacyConfig, env);
      n = Stores.open("target", newConfig, env);
      this.legacyStore = l;
      this.newStore = n;
      this.legacyNodes = settings.legacyUrl() != null ? null : l.nodeUrls();
      this.newNodes = settings.newUrl() != null ? null : n.nodeUrls();
      this.legacy = ClusterClient.of("legacy", legacyNodes != null ? legacyNodes : List.of(settings.legacyUrl()),
          legacyConfig, env);
      this.candidate = ClusterClient.of("new", newNodes != null ? newNodes : List.of(settings.newUrl()), newConfig, env);
    } catch (RuntimeException e) {
      if (l != null) l.close();
      if (n != null) n.close();
      throw e;
    }
    this.traffic = new ReadTraffic(legacyConfig.engineKind(), legacyConfig.collection(), newConfig.collection());
    this.metrics = new ReadCheckMetrics(registry);
    this.check = new ReadCheck(legacy, candidate, new AnswerComparer(settings.ignoreRules(), legacyConfig.idField()),
        legacyConfig.collection(), settings.settle(), new ReadCheckResults(legacy.baseUrl(), candidate.baseUrl()), metrics);
  }

  /** @param legacyConfig the job's source; @param newConfig its target */
  public static ReadCheckSession open(StoreConfig legacyConfig, StoreConfig newConfig, ReadCheckSettings settings,
      MetricRegistry registry, Map<String, String> env) {
    return new ReadCheckSession(legacyConfig, newConfig, settings, registry, env);
  }

  /** Whether one request means the same to both: both Solr, or both Elasticsearch's API (Elasticsearch, OpenSearch). */
  public boolean sameEngine() {
    return legacyConfig.engineKind().elasticsearchApi() == newConfig.engineKind().elasticsearchApi();
  }

  public List<QueryPair> readQueries(Path file) {
    return QueryFile.read(file, traffic, sameEngine());
  }

  /** A query set from the legacy cluster's tenants, in both engines' words. */
  public List<QueryPair> generate(QueryGenerator.Settings s) {
    return QueryGenerator.of(legacyConfig, legacy.baseUrl() + pathOf(legacyNodes, legacyStore), newConfig,
        candidate.baseUrl() + pathOf(newNodes, newStore), s).generate(legacyStore.tenants());
  }

  /** The path part of the store's first node URL (Solr's /solr): generated requests start with it. */
  private static String pathOf(List<String> nodes, SearchStore store) {
    String p = java.net.URI.create((nodes != null ? nodes : store.nodeUrls()).get(0)).getPath();
    return p == null ? "" : p;
  }

  public void replay(List<QueryPair> pairs, int rounds, int concurrency, double perSecond, IntConsumer progress)
      throws InterruptedException {
    new Replayer(check, concurrency, perSecond).replay(pairs, rounds, progress);
    check.awaitReasks(settings.settle().plusSeconds(60));
  }

  /** Starts the mirror; the caller stops it. Only between clusters of one engine (one request, both understand it). */
  public MirrorProxy mirror(MirrorProxy.Settings s) throws IOException {
    if (!sameEngine()) {
      throw new StoreConfigException("the mirror sends each read unchanged to both clusters, so both must speak one"
          + " query language (Solr, or Elasticsearch and OpenSearch);"
          + " legacy is " + legacyConfig.engine() + " and new is " + newConfig.engine() + ": use 'backfill compare"
          + " --generate' or a query file of legacy/new pairs instead");
    }
    return new MirrorProxy(legacy, traffic, check, metrics, s);
  }

  /** Waits for re-asks still pending (up to the settle delay and a minute). */
  public void drain() throws InterruptedException {
    check.awaitReasks(settings.settle().plusSeconds(60));
  }

  public ReadCheckReport report() {
    return check.results().report(settings.gate(), settings.ignoreRules().describe(), settings.settle().toMillis() / 1000.0);
  }

  /** Writes the report where asked (either may be null); returns it. */
  public ReadCheckReport writeReports(Path html, Path json, String title) {
    ReadCheckReport r = report();
    try {
      if (html != null) Files.writeString(html, ReportHtml.render(r, title));
      if (json != null) Files.writeString(json, ReportJson.render(r));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report: " + e.getMessage(), e);
    }
    return r;
  }

  /** The comparison itself, for tests that ask one pair at a time. */
  ReadCheck check() {
    return check;
  }

  public ClusterClient legacyClient() {
    return legacy;
  }

  public ClusterClient newClient() {
    return candidate;
  }

  @Override
  public void close() {
    check.close();
    legacyStore.close();
    newStore.close();
  }
}
