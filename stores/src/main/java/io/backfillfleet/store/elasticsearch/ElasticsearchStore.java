package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backfillfleet.store.ChangeMarks;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Engine;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.FieldCheck;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.HistogramBatch;
import io.backfillfleet.store.HistogramRequest;
import io.backfillfleet.store.KeyRangeBounds;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.RetryPolicy;
import io.backfillfleet.store.SearchVisibility;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreTls;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.TuningSupport;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * An Elasticsearch or OpenSearch index as source and create-only target. One client (Elastic's low-level REST
 * client 8.19, with plain JSON every major accepts) talks to Elasticsearch 7.10 to 9.x and OpenSearch 1.3 to 3.x:
 * they differ only in the point-in-time API ({@link PointInTimeApi}), which some have not.
 *
 * <p>Reads use a point-in-time and {@code search_after} on (timestamp, id field): the cursor is those two sort
 * values, so it continues on a new point-in-time after a crash or an expiry (a server without a point-in-time is
 * searched page by page on the live index, with the same cursor). The id field must be a keyword
 * field holding the document id (Elasticsearch does not sort on {@code _id}). The hot paths (pages, bulk
 * writes, multi-gets) are written and read by {@link HotPathJson} straight from the bytes; the typed client
 * (elasticsearch-java) cost the worker more CPU than the copy itself, and 7.17 refuses its PIT request body.
 */
public final class ElasticsearchStore implements SearchStore {
  private static final ObjectMapper JSON = HotPathJson.JSON;
  private static final String KEEP_ALIVE = "5m";
  private static final int COMPOSITE_PAGE = 1000;
  /**
   * Tenants per page of the listing: each page is a search of its own, so 100,000 tenants cost 10 searches, not 100;
   * with its no-timestamp bucket a tenant is two buckets, 20,000 a page, below search.max_buckets (65,536).
   */
  private static final int TENANT_PAGE = 10_000;
  /** A batch of histograms per search: buckets well below search.max_buckets (65,536), and a bounded body. */
  private static final long BATCH_BUCKETS = 20_000;
  private static final int BATCH_REQUESTS = 200;
  private static final ObjectReader TREE = JSON.readerFor(JsonNode.class);
  private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);

  private final StoreConfig config;
  private final RestClient rest;
  private final RetryPolicy retry;
  private final ChangeMarks marks = new ChangeMarks(() -> EsCheckpoints.leastGlobalCheckpoint(shardCheckpoints()),
      this::searchVisibility, this::refreshEveryCopy, System::nanoTime);
  /** Whether page ranges can be written as queries (see {@link #rangeable()}); null until known. */
  private volatile Boolean rangeable;
  private volatile Boolean millisTimestamp;
  /** How readers get a stable view; null until known (OpenSearch: from the server's version). */
  private volatile PointInTimeApi pitApi;

  public ElasticsearchStore(StoreConfig config, Map<String, String> env) {
    this.config = config;
    this.retry = RetryPolicy.of(config.maxAttempts(), config.requestTimeout());
    HttpHost[] hosts = config.endpoints().stream().map(HttpHost::create).toArray(HttpHost[]::new);
    RestClientBuilder b = RestClient.builder(hosts)
        .setRequestConfigCallback(r -> r.setConnectTimeout((int) config.connectTimeout().toMillis())
            .setSocketTimeout((int) config.requestTimeout().toMillis()));
    Optional<String> apiKey = config.apiKey(env);
    apiKey.ifPresent(k -> b.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + k)}));
    Optional<String> password = config.password(env);
    SSLContext ssl = config.trustStore() == null ? null : StoreTls.sslContext(config, env);
    b.setHttpClientConfigCallback(h -> {
      if (config.username() != null) {
        BasicCredentialsProvider creds = new BasicCredentialsProvider();
        creds.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(config.username(), password.orElse("")));
        h.setDefaultCredentialsProvider(creds);
      }
      if (ssl != null) h.setSSLContext(ssl);
      return h;
    });
    this.rest = b.build();
  }

  @Override
  public List<String> nodeUrls() {
    return config.endpoints();
  }

  private String where() {
    return config.describe();
  }

  static boolean isTransient(Exception e) {
    if (e instanceof ResponseException re) {
      int s = re.getResponse().getStatusLine().getStatusCode();
      return s == 429 || s >= 500;
    }
    return e instanceof IOException;
  }

  /** Runs a request with retries, and turns "no such index" into a message that says so. */
  private <T> T call(String action, java.util.concurrent.Callable<T> body) {
    try {
      return retry.call(where(), action, ElasticsearchStore::isTransient, body);
    } catch (StoreUnavailableException e) {
      throw e;
    } catch (StoreException e) {
      if (e.getCause() instanceof ResponseException re) {
        throw explain(action, re.getResponse().getStatusLine().getStatusCode(), re.getMessage(), re);
      }
      throw e;
    }
  }

  private StoreException explain(String action, int status, String message, Exception e) {
    if (String.valueOf(message).contains("no handler found for uri") && String.valueOf(message).contains("/_pit")) {
      return new StoreConfigException(where() + " has no Elasticsearch point-in-time API (/_pit) while " + action
          + ": if the server is OpenSearch, set engine: opensearch");
    }
    if (String.valueOf(message).contains("index_not_found")) {
      return new StoreConfigException(where() + ": the index does not exist; check the collection name (" + action + ")");
    }
    String reason = EsErrors.reason(message); // the full answer stays in the cause, printed with --verbose
    if (status == 400 && String.valueOf(message).contains("[" + config.timestampField() + "]")) {
      return new StoreConfigException(where() + ": " + action + " failed: " + reason + "; check timestampField '"
          + config.timestampField() + "': it must be a date field", e);
    }
    if (status == 401 || status == 403) {
      return new StoreConfigException(where() + " refused the credentials (HTTP " + status + ") while " + action
          + "; check the user and password or API key");
    }
    return new StoreException(where() + ": " + action + " failed (HTTP " + status + "): " + reason, e);
  }

  private JsonNode lowLevel(String action, String method, String path, Object body) {
    Request r = new Request(method, path);
    if (body != null) r.setJsonEntity(HotPathJson.write(body));
    return send(action, r, TREE);
  }

  /** Sends {@code request} with retries ({@link #call}) and binds the answer with {@code answer}. */
  private <T> T send(String action, Request request, ObjectReader answer) {
    return call(action, () -> execute(request, answer));
  }

  private <T> T execute(Request request, ObjectReader answer) throws IOException {
    Response resp = rest.performRequest(request);
    if (resp.getEntity() == null) return answer.readValue("null");
    try (InputStream in = resp.getEntity().getContent()) {
      return answer.readValue(in);
    }
  }

  // ------------------------------------------------------------------ source

  @Override
  public List<TenantSpan> tenants() {
    List<TenantSpan> out = new ArrayList<>();
    JsonNode after = null;
    do {
      ObjectNode composite = JSON.createObjectNode().put("size", TENANT_PAGE);
      // missing_bucket: the documents without a tenant value get a bucket too (key null) instead of being left out
      composite.putArray("sources").addObject().putObject("tenant").putObject("terms").put("field", config.tenantField())
          .put("missing_bucket", true);
      if (after != null) composite.set("after", after);
      ObjectNode agg = JSON.createObjectNode();
      agg.set("composite", composite);
      ObjectNode sub = agg.putObject("aggs");
      sub.putObject("first").putObject("min").put("field", config.timestampField());
      sub.putObject("last").putObject("max").put("field", config.timestampField());
      sub.putObject("nots").putObject("missing").put("field", config.timestampField());
      ObjectNode body = JSON.createObjectNode().put("size", 0);
      body.putObject("aggs").set("t", agg);
      JsonNode t = lowLevel("listing tenants", "POST", "/" + config.collection() + "/_search", body)
          .path("aggregations").path("t");
      for (JsonNode b : t.path("buckets")) {
        JsonNode key = b.path("key").path("tenant");
        out.add(new TenantSpan(key.isNull() ? TenantSpan.NO_TENANT : key.asText(), b.path("doc_count").asLong(),
            epochMillis(b.path("first").path("value")), epochMillis(b.path("last").path("value")),
            b.path("nots").path("doc_count").asLong()));
      }
      after = t.path("buckets").size() < TENANT_PAGE || t.path("after_key").isMissingNode() ? null : t.get("after_key");
    } while (after != null);
    return out;
  }

  @Override
  public Histogram histogram(String tenant, TimeWindow window, Duration bucket) {
    if (window.missingTimestamp()) {
      return new Histogram(List.of(new Histogram.Bucket(null, null, count(tenant, window))));
    }
    long gap = Histogram.millis(bucket);
    long from = window.from().toEpochMilli();
    ObjectNode h = JSON.createObjectNode();
    ObjectNode dh = h.putObject("date_histogram");
    dh.put("field", config.timestampField()).put("fixed_interval", gap + "ms").put("min_doc_count", 1)
        .put("offset", Math.floorMod(from, gap) + "ms");
    ObjectNode body = JSON.createObjectNode().put("size", 0);
    body.set("query", JSON.valueToTree(queryJson(tenant, window)));
    body.putObject("aggs").set("h", h);
    JsonNode buckets = lowLevel("measuring tenant " + tenant, "POST", "/" + config.collection() + "/_search", body)
        .path("aggregations").path("h").path("buckets");
    Map<Instant, Long> counts = new HashMap<>();
    for (JsonNode b : buckets) counts.merge(Instant.ofEpochMilli(b.path("key").asLong()), b.path("doc_count").asLong(), Long::sum);
    return Histogram.of(window, bucket, counts);
  }

  /**
   * One search per group of requests: a {@code filter} aggregation per request (its tenant and window) holding the
   * same {@code date_histogram} as {@link #histogram}. Each tenant's buckets start at its own first timestamp, so the
   * offsets differ per tenant: one terms aggregation with a shared date_histogram could not give the same buckets.
   * The query is the union of the requests' filters, so only the batch's documents are collected.
   */
  @Override
  public HistogramBatch histograms(List<HistogramRequest> requests, Duration bucket) {
    long gap = Histogram.millis(bucket);
    List<Histogram> out = new ArrayList<>();
    List<List<HistogramRequest>> groups = HistogramBatch.groups(requests, bucket, BATCH_BUCKETS, BATCH_REQUESTS);
    for (List<HistogramRequest> group : groups) {
      ObjectNode body = JSON.createObjectNode().put("size", 0);
      ObjectNode bool = body.putObject("query").putObject("bool");
      ObjectNode aggs = body.putObject("aggs");
      for (int i = 0; i < group.size(); i++) {
        HistogramRequest r = group.get(i);
        JsonNode filter = JSON.valueToTree(queryJson(r.tenant(), r.window()));
        bool.withArray("should").add(filter);
        ObjectNode one = aggs.putObject("r" + i);
        one.set("filter", filter);
        one.putObject("aggs").putObject("h").putObject("date_histogram").put("field", config.timestampField())
            .put("fixed_interval", gap + "ms").put("min_doc_count", 1)
            .put("offset", Math.floorMod(r.window().from().toEpochMilli(), gap) + "ms");
      }
      bool.put("minimum_should_match", 1);
      JsonNode answer = lowLevel("measuring " + group.size() + " tenants", "POST", "/" + config.collection()
          + "/_search", body).path("aggregations");
      for (int i = 0; i < group.size(); i++) {
        Map<Instant, Long> counts = new HashMap<>();
        for (JsonNode b : answer.path("r" + i).path("h").path("buckets")) {
          counts.merge(Instant.ofEpochMilli(b.path("key").asLong()), b.path("doc_count").asLong(), Long::sum);
        }
        out.add(Histogram.of(group.get(i).window(), bucket, counts));
      }
    }
    return new HistogramBatch(out, groups.size());
  }

  /** The tenant-and-window filter as plain JSON (for the low-level client). */
  private Map<String, Object> queryJson(String tenant, TimeWindow w) {
    List<Object> filter = new ArrayList<>();
    List<Object> mustNot = new ArrayList<>();
    if (tenant == null) mustNot.add(Map.of("exists", Map.of("field", config.tenantField()))); // no tenant value
    else filter.add(Map.of("term", Map.of(config.tenantField(), tenant)));
    Map<String, Object> bool = new HashMap<>();
    if (!mustNot.isEmpty() || w.missingTimestamp()) bool.put("must_not", mustNot);
    if (w.missingTimestamp()) {
      mustNot.add(Map.of("exists", Map.of("field", config.timestampField())));
    } else {
      filter.add(Map.of("range", Map.of(config.timestampField(), Map.of("gte", w.from().toEpochMilli(),
          "lt", w.to().toEpochMilli(), "format", "epoch_millis"))));
    }
    bool.put("filter", filter);
    return Map.of("bool", bool);
  }

  private Request countRequest(String tenant, TimeWindow window) {
    Request r = new Request("POST", "/" + config.collection() + "/_count");
    r.setJsonEntity(HotPathJson.write(Map.of("query", queryJson(tenant, window))));
    return r;
  }

  @Override
  public long count(String tenant, TimeWindow window) {
    return call("counting tenant " + tenant + " " + window,
        () -> this.<JsonNode>execute(countRequest(tenant, window), TREE).path("count").asLong());
  }

  @Override
  public long totalDocs() {
    return lowLevel("counting every document", "POST", "/" + config.collection() + "/_count", null).path("count").asLong();
  }

  @Override
  public void requireUsableFields() {
    FieldCheck.require(config, fieldCaps(config.tenantField(), config.timestampField(), config.idField()), true);
  }

  /** These fields' types and capabilities across the index or alias, by name (absent: not mapped). */
  private Map<String, FieldCheck.Field> fieldCaps(String... fields) {
    Request r = new Request("GET", "/" + config.collection() + "/_field_caps");
    r.addParameter("fields", String.join(",", fields));
    return EsFieldCaps.fields(send("reading the mapping", r, TREE));
  }

  @Override
  public void requireExists() {
    // HEAD answers 404 without an exception; an alias counts as existing
    int status = call("checking that the index exists", () -> rest.performRequest(new Request("HEAD",
        "/" + config.collection())).getStatusLine().getStatusCode());
    if (status == 404) {
      throw new StoreConfigException(where() + " does not exist: create the index with its mapping first (writing to it"
          + " would create it with dynamic mappings) or correct its name in the job file");
    }
  }

  @Override
  public String readPath() {
    return switch (pitApi()) {
      case ELASTICSEARCH -> "Elasticsearch point-in-time with search_after (sorted by timestamp and id)";
      case OPENSEARCH -> "OpenSearch point-in-time with search_after (sorted by timestamp and id)";
      case NONE -> "search_after on the live index: this server has no point-in-time (OpenSearch before 2.4,"
          + " Elasticsearch 7.10 OSS); sorted by timestamp and id";
    };
  }

  /**
   * The point-in-time API, from the version the server reports ({@code GET /}). A server that will not say answers
   * 401/403 (a role without {@code cluster:monitor/main}: it runs security, so an Elasticsearch one is not the
   * Apache-2.0 7.10) or 404/405 (a distribution without the root endpoint, as the 8.x integ-test zip): Elasticsearch
   * is then taken to have a point-in-time, OpenSearch is read without one, which every version serves. Asked once.
   */
  PointInTimeApi pitApi() {
    PointInTimeApi known = pitApi;
    if (known != null) return known;
    boolean openSearch = config.engineKind() == Engine.OPENSEARCH;
    JsonNode version = call("reading the server's version", () -> {
      try {
        return this.<JsonNode>execute(new Request("GET", "/"), TREE).path("version");
      } catch (ResponseException e) {
        int status = e.getResponse().getStatusLine().getStatusCode();
        if (status == 401 || status == 403 || status == 404 || status == 405) return null;
        throw e;
      }
    });
    if (version == null) {
      known = openSearch ? PointInTimeApi.NONE : PointInTimeApi.ELASTICSEARCH;
    } else {
      String number = version.path("number").asText();
      boolean isOpenSearch = "opensearch".equals(version.path("distribution").asText());
      if (isOpenSearch != openSearch) {
        throw new StoreConfigException(where() + " is " + (isOpenSearch ? "OpenSearch " : "Elasticsearch ") + number
            + ": set engine: " + (isOpenSearch ? "opensearch" : "elasticsearch"));
      }
      known = openSearch ? PointInTimeApi.forOpenSearch(number)
          : PointInTimeApi.forElasticsearch(number, version.path("build_flavor").asText());
    }
    pitApi = known;
    return known;
  }

  @Override
  public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
    return new PitReader(tenant, window, after);
  }

  /**
   * One point-in-time per reader; reopened (continuing from the cursor) if it expires. Where the cluster has no
   * point-in-time ({@link PointInTimeApi#NONE}), each page searches the index itself, with a watermark taken just
   * before it: the page's view then holds every change up to it, as a point-in-time opened at that moment would.
   */
  private final class PitReader implements WindowReader {
    /** Asked at the first page, where a failure is the page's (a reader is made outside the copy's error handling). */
    private PointInTimeApi api;
    /** Reading the live index page by page: no point-in-time API, or the cluster refused one more. */
    private boolean live;
    private final String tenant;
    private final TimeWindow window;
    private List<Object> searchAfter;
    private String pit;
    /** The point-in-time's watermark ({@link ChangeMarks}); empty: its pages carry no range proof. */
    private OptionalLong watermark = OptionalLong.empty();
    private boolean done;
    private volatile boolean closed;

    PitReader(String tenant, TimeWindow window, Cursor after) {
      this.tenant = tenant;
      this.window = window;
      this.searchAfter = after.isStart() ? null : decodeCursor(after.value());
    }

    @Override
    public Page readPage(int pageSize) {
      // a point-in-time opened after close would never be closed: it would hold its segments for its keep-alive
      if (closed) throw new IllegalStateException("this reader of " + where() + " was closed");
      if (done) return new Page(List.of(), cursor(), true);
      if (api == null) {
        api = pitApi();
        live = !api.exists();
      }
      if (pit == null && !live) open(); // takes the watermark (also where it ends up reading the live index)
      else if (live) watermark = rangeable() ? marks.forReadOpeningNow() : OptionalLong.empty();
      HotPathJson.SearchAnswer r;
      try {
        r = search(pageSize);
      } catch (StoreException e) {
        if (!String.valueOf(e.getMessage()).contains("search_context_missing")) throw e;
        open(); // expired between pages: a new one continues from the same sort values
        r = search(pageSize);
      }
      if (r.pitId() != null) pit = r.pitId();
      List<HotPathJson.Hit> hits = r.hitList();
      List<Doc> docs = new ArrayList<>(hits.size());
      for (HotPathJson.Hit h : hits) docs.add(new Doc(h.id(), h.routing(), h.source() == null ? Map.of() : h.source()));
      if (!hits.isEmpty()) searchAfter = hits.get(hits.size() - 1).sort();
      done = hits.size() < pageSize;
      Page page = new Page(docs, cursor(), done, rangeOf(hits));
      Long lastTs = hits.isEmpty() || window.missingTimestamp() || !millisTimestamp() ? null
          : sortedTimestamp(hits.get(hits.size() - 1));
      return lastTs == null ? page : page.withLastTimestamp(Instant.ofEpochMilli(lastTs));
    }

    /** A point-in-time, and the watermark taken before it (so every change up to it is in its view). */
    private void open() {
      watermark = rangeable() ? marks.forReadOpeningNow() : OptionalLong.empty();
      pit = openPit(api);
      live = pit == null;
    }

    /**
     * The page's range proof: the page is all of its key range in this point-in-time, written as its first and
     * last timestamps and the ids at each (see {@link #keyRange}). None in a window without timestamps (its order is
     * the id alone, and a range on a keyword field walks every term in it).
     */
    private List<PageRange> rangeOf(List<HotPathJson.Hit> hits) {
      if (watermark.isEmpty() || hits.isEmpty() || window.missingTimestamp()) return List.of();
      Long first = sortedTimestamp(hits.get(0));
      Long last = sortedTimestamp(hits.get(hits.size() - 1));
      if (first == null || last == null) return List.of();
      long w = watermark.getAsLong();
      long unchanged = 0;
      List<DocKey> changed = new ArrayList<>();
      List<Object> atFirst = new ArrayList<>();
      List<Object> atLast = new ArrayList<>();
      for (HotPathJson.Hit h : hits) {
        if (h.seqNo() != null && h.seqNo() >= 0 && h.seqNo() <= w) unchanged++;
        else changed.add(new DocKey(h.id(), h.routing()));
        Long ts = sortedTimestamp(h);
        if (ts == null) return List.of();
        if (ts.longValue() == first) atFirst.add(h.sort().get(1));
        else if (ts.longValue() == last) atLast.add(h.sort().get(1));
      }
      String bounds = new KeyRangeBounds(first, last, atFirst, atLast).write();
      return List.of(new PageRange(tenant, window, bounds, w, unchanged, changed));
    }

    private HotPathJson.SearchAnswer search(int pageSize) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("size", pageSize);
      if (!live) body.put("pit", Map.of("id", pit, "keep_alive", KEEP_ALIVE));
      body.put("query", queryJson(tenant, window));
      body.put("track_total_hits", false);
      if (watermark.isPresent()) body.put("seq_no_primary_term", true);
      List<Object> sort = new ArrayList<>();
      if (!window.missingTimestamp()) sort.add(Map.of(config.timestampField(), "asc"));
      sort.add(Map.of(config.idField(), "asc"));
      body.put("sort", sort);
      if (searchAfter != null) body.put("search_after", searchAfter);
      String action = "reading tenant " + tenant + " " + window;
      // a page missing a failed shard's documents must fail, not pass for the whole page
      // a point-in-time names its indices; without one, the search names the index
      Request req = new Request("POST", live ? "/" + config.collection() + "/_search" : "/_search");
      req.addParameter("allow_partial_search_results", "false");
      req.addParameter("filter_path", HotPathJson.SEARCH_FILTER);
      req.setJsonEntity(HotPathJson.write(body));
      return call(action, () -> {
        HotPathJson.SearchAnswer r = execute(req, HotPathJson.SEARCH);
        if (r.shards() != null && r.shards().failed() > 0) {
          throw new IOException(r.shards().failed() + " shards failed: " + (r.shards().failures() == null
              || r.shards().failures().isEmpty() ? "no reason given" : r.shards().failures().get(0).reason()));
        }
        return r;
      });
    }

    private Cursor cursor() {
      return searchAfter == null ? Cursor.START : Cursor.of(encodeCursor(searchAfter));
    }

    @Override
    public void close() {
      closed = true;
      if (pit == null) return;
      try {
        rest.performRequest(api.close(pit));
      } catch (Exception e) {
        // it expires by itself after its keep-alive
      }
      pit = null;
    }
  }

  /**
   * A new point-in-time's id, or null where the cluster refuses one more: OpenSearch caps them per node
   * ({@code search.max_open_pit_context}, 300 by default), which a large fleet reaches. Such a reader reads the live
   * index instead, as on OpenSearch 1.x, rather than retry a refusal that lasts as long as the other readers.
   */
  private String openPit(PointInTimeApi api) {
    Request req = api.open(config.collection(), KEEP_ALIVE);
    try {
      return this.<JsonNode>execute(req, TREE).path(api.idField()).asText();
    } catch (ResponseException e) {
      if (String.valueOf(e.getMessage()).contains("too many Point In Time contexts")) return null;
      if (!isTransient(e)) throw explain("opening a point-in-time", e.getResponse().getStatusLine().getStatusCode(),
          e.getMessage(), e);
    } catch (IOException e) {
      // tried again below, with the usual retries
    }
    return this.<JsonNode>send("opening a point-in-time", req, TREE).path(api.idField()).asText();
  }

  static String encodeCursor(List<Object> sortValues) {
    return HotPathJson.write(sortValues);
  }

  static List<Object> decodeCursor(String s) {
    try {
      List<Object> values = JSON.readValue(s, new TypeReference<List<Object>>() {});
      if (values == null || values.isEmpty()) throw new IOException("not a non-empty array of sort values");
      return values;
    } catch (IOException e) {
      throw new StoreException("saved cursor '" + s + "' is not an Elasticsearch cursor: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> existingIds(Collection<DocKey> keys) {
    Set<String> out = new HashSet<>();
    List<DocKey> routed = new ArrayList<>();
    List<String> anywhere = new ArrayList<>();
    for (DocKey k : keys) {
      if (k.routingKnown()) routed.add(k);
      else anywhere.add(k.id());
    }
    lookUp("looking up ids", routed).forEach(d -> out.add(d.id()));
    out.addAll(searchIds(anywhere));
    return out;
  }

  @Override
  public SearchVisibility searchVisibility() {
    Request r = new Request("GET", "/" + config.collection() + "/_settings/index.refresh_interval");
    r.addParameter("include_defaults", "true");
    r.addParameter("flat_settings", "true");
    return EsSearchVisibility.of(send("reading the refresh interval", r, TREE));
  }

  /**
   * One {@code _count}: each routing's ids under that routing ({@code _routing} is indexed), so a document stored
   * twice under one id and two routings cannot stand in for the other. Only the routings' shards are asked when every
   * key has one.
   */
  @Override
  public OptionalLong countSearchable(Collection<DocKey> keys) {
    if (keys.isEmpty()) return OptionalLong.of(0);
    Map<String, List<String>> byRouting = new LinkedHashMap<>();
    for (DocKey k : keys) byRouting.computeIfAbsent(k.routing(), x -> new ArrayList<>()).add(k.id());
    List<Object> should = new ArrayList<>();
    for (Map.Entry<String, List<String>> g : byRouting.entrySet()) {
      Map<String, Object> ids = Map.of("ids", Map.of("values", g.getValue()));
      should.add(g.getKey() == null ? ids
          : Map.of("bool", Map.of("filter", List.of(ids, Map.of("term", Map.of("_routing", g.getKey()))))));
    }
    Request req = new Request("POST", "/" + config.collection() + "/_count");
    boolean routable = byRouting.keySet().stream().allMatch(r -> r != null && !r.contains(","));
    if (routable) req.addParameter("routing", String.join(",", byRouting.keySet()));
    req.setJsonEntity(HotPathJson.write(Map.of("query", Map.of("bool", Map.of("should", should,
        "minimum_should_match", 1)))));
    JsonNode r = send("counting " + keys.size() + " ids", req, TREE);
    if (r.path("_shards").path("failed").asInt() > 0) {
      throw new StoreException(where() + ": counting ids: " + r.path("_shards").path("failed").asInt() + " shards failed");
    }
    return OptionalLong.of(r.path("count").asLong());
  }

  /**
   * Which of {@code ids} exist on any shard, whatever their routing: a search after a refresh (a multi-get needs
   * the routing). Only for documents seen in the other cluster (a taken-over slice's reconciliation, repair), which
   * may route them differently.
   */
  private Set<String> searchIds(List<String> ids) {
    Set<String> out = new HashSet<>();
    if (ids.isEmpty()) return out;
    makeVisible();
    for (int i = 0; i < ids.size(); i += COMPOSITE_PAGE) {
      List<String> part = ids.subList(i, Math.min(ids.size(), i + COMPOSITE_PAGE));
      Map<String, Object> body = Map.of("size", part.size(), "_source", false, "track_total_hits", false,
          "query", Map.of("ids", Map.of("values", part)));
      Request req = new Request("POST", "/" + config.collection() + "/_search");
      req.addParameter("allow_partial_search_results", "false");
      req.addParameter("filter_path", HotPathJson.SEARCH_FILTER);
      req.setJsonEntity(HotPathJson.write(body));
      HotPathJson.SearchAnswer r = send("looking up " + part.size() + " ids on every shard", req, HotPathJson.SEARCH);
      if (r.shards() != null && r.shards().failed() > 0) {
        throw new StoreException(where() + ": looking up ids: " + r.shards().failed() + " shards failed");
      }
      r.hitList().forEach(h -> out.add(h.id()));
    }
    return out;
  }

  /**
   * One {@code _msearch} of {@code size: 0} counts, one per range: the range's tenant window, its key range
   * ({@link #keyRange}), and {@code _seq_no <= watermark}. A document changed after the watermark has a higher
   * sequence number, so it cannot stand in for a deleted one.
   */
  @Override
  public List<OptionalLong> countUnchanged(List<PageRange> ranges) {
    List<OptionalLong> out = new ArrayList<>();
    if (ranges.isEmpty()) return out;
    StringBuilder body = new StringBuilder();
    for (PageRange r : ranges) {
      Map<String, Object> query = Map.of("bool", Map.of("filter", List.of(queryJson(r.tenant(), r.window()),
          keyRange(r), Map.of("range", Map.of("_seq_no", Map.of("lte", r.watermark()))))));
      body.append("{}\n").append(HotPathJson.write(Map.of("size", 0, "track_total_hits", true, "query", query)))
          .append('\n');
    }
    Request req = new Request("POST", "/" + config.collection() + "/_msearch");
    req.setEntity(new ByteArrayEntity(body.toString().getBytes(StandardCharsets.UTF_8), NDJSON));
    JsonNode answer = this.<JsonNode>send("counting " + ranges.size() + " page ranges", req, TREE).path("responses");
    for (int i = 0; i < ranges.size(); i++) {
      JsonNode one = answer.path(i);
      JsonNode total = one.path("hits").path("total");
      JsonNode value = total.isObject() ? total.path("value") : total;
      boolean whole = one.path("error").isMissingNode() && one.path("_shards").path("failed").asInt(0) == 0
          && (!total.isObject() || "eq".equals(total.path("relation").asText("eq")));
      out.add(whole && value.canConvertToLong() ? OptionalLong.of(value.asLong()) : OptionalLong.empty());
    }
    return out;
  }

  /** A hit's timestamp sort value (epoch milliseconds), or null when it has none that can be read as one. */
  private static Long sortedTimestamp(HotPathJson.Hit h) {
    return h.sort() != null && h.sort().size() >= 2 && h.sort().get(0) instanceof Number n ? n.longValue() : null;
  }

  /**
   * A page's key range: the documents strictly between its first and last timestamps, and at each of those two
   * timestamps the ids the page had there. That is all of its (timestamp, id) range: at a boundary timestamp the
   * range's other documents belong to the neighbouring page, and a document that arrived there since is stamped
   * above the watermark. Terms on a few ids, not a keyword range, which would walk every term past its bound.
   */
  private Map<String, Object> keyRange(PageRange r) {
    KeyRangeBounds b = KeyRangeBounds.of(r, where());
    String ts = config.timestampField();
    String id = config.idField();
    long first = b.first();
    long last = b.last();
    List<Object> should = new ArrayList<>();
    if (last > first + 1) {
      should.add(Map.of("range", Map.of(ts, Map.of("gt", first, "lt", last, "format", "epoch_millis"))));
    }
    should.add(at(ts, first, id, b.atFirst()));
    if (last != first) should.add(at(ts, last, id, b.atLast()));
    return Map.of("bool", Map.of("should", should, "minimum_should_match", 1));
  }

  /** Consecutive pages' ranges as one where they can be ({@link KeyRangeBounds}): one count instead of several. */
  @Override
  public List<PageRange> joinConsecutive(List<PageRange> ranges) {
    return KeyRangeBounds.joinConsecutive(ranges, where());
  }

  /** {@code ts == t and id in ids}. */
  private static Map<String, Object> at(String ts, long t, String id, List<?> ids) {
    return Map.of("bool", Map.of("filter", List.of(
        Map.of("range", Map.of(ts, Map.of("gte", t, "lte", t, "format", "epoch_millis"))),
        Map.of("terms", Map.of(id, ids)))));
  }

  /**
   * Page ranges are written as range queries on the timestamp in epoch milliseconds (its sort values) and terms on
   * the id field: so only for a {@code date} timestamp (a {@code date_nanos} one sorts by nanoseconds) and a keyword id.
   * Read once; a failed read is asked again next time.
   */
  private boolean rangeable() {
    Boolean known = rangeable;
    if (known != null) return known;
    try {
      Map<String, FieldCheck.Field> f = fieldCaps(config.timestampField(), config.idField());
      FieldCheck.Field t = f.get(config.timestampField());
      FieldCheck.Field i = f.get(config.idField());
      rangeable = t != null && "date".equals(t.type()) && i != null && i.keyword();
      return rangeable;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the timestamp sorts in epoch milliseconds (a {@code date}; a {@code date_nanos} one sorts in nanoseconds),
   * so a page's last sort value is its last timestamp. Read once; a failed read is asked again next time.
   */
  private boolean millisTimestamp() {
    Boolean known = millisTimestamp;
    if (known != null) return known;
    try {
      FieldCheck.Field t = fieldCaps(config.timestampField()).get(config.timestampField());
      millisTimestamp = t != null && "date".equals(t.type());
      return millisTimestamp;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Refreshes the index once for {@link ChangeMarks}: true only if every shard copy refreshed. */
  private boolean refreshEveryCopy() {
    JsonNode shards = lowLevel("refreshing for the guard's watermark", "POST", "/" + config.collection() + "/_refresh",
        null).path("_shards");
    return shards.path("failed").asInt(-1) == 0 && shards.path("total").asInt(-1) == shards.path("successful").asInt(-2);
  }

  /** Every shard copy's sequence-number checkpoints ({@link EsCheckpoints}). */
  private JsonNode shardCheckpoints() {
    Request r = new Request("GET", "/" + config.collection() + "/_stats/docs");
    r.addParameter("level", "shards");
    r.addParameter("filter_path", "indices.*.shards.*.seq_no.global_checkpoint");
    return send("reading the shards' checkpoints", r, TREE);
  }

  /**
   * The documents among {@code keys} that exist (id, seq_no, primary term), each looked up with its routing: an
   * unrouted lookup of a routed document asks the wrong shard and answers "not found". A lookup the cluster could
   * not answer (a shard unavailable) is retried and then raised: taken as "not found", it would delete a target
   * document that the source still has, or keep one it no longer has.
   */
  private List<HotPathJson.MgetDoc> lookUp(String action, Collection<DocKey> keys) {
    if (keys.isEmpty()) return List.of();
    for (DocKey k : keys) {
      if (!k.routingKnown()) throw new IllegalArgumentException(action + " needs each document's routing: " + k.id());
    }
    Request req = new Request("POST", "/" + config.collection() + "/_mget");
    req.addParameter("_source", "false");
    req.addParameter("filter_path", HotPathJson.MGET_FILTER);
    req.setJsonEntity(HotPathJson.write(Map.of("docs", keys.stream().map(ElasticsearchStore::mgetItem).toList())));
    return call(action, () -> {
      HotPathJson.MgetAnswer r = execute(req, HotPathJson.MGET);
      List<HotPathJson.MgetDoc> docs = r.docs() == null ? List.of() : r.docs();
      if (docs.size() != keys.size()) {
        throw new IOException("the cluster answered for " + docs.size() + " of " + keys.size() + " ids");
      }
      List<HotPathJson.MgetDoc> found = new ArrayList<>();
      for (HotPathJson.MgetDoc d : docs) {
        if (d.error() != null) throw new IOException("the cluster could not look up " + d.id() + " (" + d.error() + ")");
        if (d.found()) found.add(d);
      }
      return found;
    });
  }

  private static Map<String, Object> mgetItem(DocKey k) {
    return k.routing() == null ? Map.of("_id", k.id()) : Map.of("_id", k.id(), "routing", k.routing());
  }

  @Override
  public TuningSupport tuning() {
    return new TuningSupport.Tunable(new ElasticsearchTuning(config.collection(), this::lowLevel));
  }

  @Override
  public void makeVisible() {
    lowLevel("refreshing", "POST", "/" + config.collection() + "/_refresh", null);
  }

  @Override
  public Map<DocKey, String> versions(Collection<DocKey> keys) {
    Map<String, DocKey> byId = new HashMap<>();
    for (DocKey k : keys) byId.put(k.id(), k);
    Map<DocKey, String> out = new LinkedHashMap<>();
    for (HotPathJson.MgetDoc d : lookUp("reading versions", keys)) {
      if (d.seqNo() != null) out.put(byId.get(d.id()), d.seqNo() + ":" + d.primaryTerm());
    }
    return out;
  }

  @Override
  public List<String> deleteIfUnchanged(Map<DocKey, String> versions) {
    Map<String, DocKey> byId = new LinkedHashMap<>();
    for (DocKey k : versions.keySet()) byId.put(k.id(), k);
    List<String> ids = List.copyOf(byId.keySet());
    Map<String, HotPathJson.Item> items = bulk("deleting", ids, id -> {
      DocKey k = byId.get(id);
      String[] v = versions.get(k).split(":");
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("_id", id);
      if (k.routing() != null) meta.put("routing", k.routing());
      meta.put("if_seq_no", Long.parseLong(v[0]));
      meta.put("if_primary_term", Long.parseLong(v[1]));
      return new HotPathJson.BulkOp("delete", meta, null);
    });
    List<String> deleted = new ArrayList<>();
    for (String id : ids) {
      HotPathJson.Item it = items.get(id);
      if (it.error() == null && it.status() != 404) {
        deleted.add(id);
      } else if (it.status() != 409 && it.status() != 404) {
        // Only a version conflict means "changed since" and 404 "already gone". Anything else (403: a role without
        // delete, a read-only index) means the delete was not done; taking it for a live write would keep a
        // resurrected document and report nothing.
        throw new StoreException(where() + ": deleting " + id + " was refused (HTTP " + it.status() + " "
            + it.error() + "); the resurrection guard needs the delete privilege on the target index");
      }
    }
    return deleted;
  }

  @Override
  public void checkCanDelete() {
    String probe = "backfill-fleet-delete-probe-" + java.util.UUID.randomUUID();
    requireExists(); // a DELETE on a missing index would create it
    Request r = new Request("DELETE", "/" + config.collection() + "/_doc/" + probe);
    r.addParameter("if_seq_no", "0"); // conditional like the guard's deletes: never deletes anything
    r.addParameter("if_primary_term", "1");
    r.addParameter("routing", probe); // an index that requires a routing refuses a delete without one
    try {
      rest.performRequest(r);
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      if (status == 404 || status == 409) return; // allowed: there was nothing to delete
      if (status == 401 || status == 403 || String.valueOf(e.getMessage()).contains("cluster_block_exception")) {
        throw new StoreConfigException(where() + " refuses deletes (HTTP " + status + "): the resurrection guard deletes"
            + " what a live delete removed while it was copied; grant the delete privilege on this index (and lift any"
            + " write block) before starting workers");
      }
      throw explain("checking the delete privilege", status, e.getMessage(), e);
    } catch (IOException e) {
      throw new StoreUnavailableException(where(), "checking the delete privilege", 1, e);
    }
  }

  @Override
  public boolean keepsSourceRouting() {
    return config.routingField() == null;
  }

  @Override
  public DocKey keyOf(Doc doc) {
    if (config.routingField() == null) return doc.key(); // routed as in the source (or by id)
    Object v = doc.fields().get(config.routingField());
    return new DocKey(doc.id(), v == null ? null : String.valueOf(v));
  }

  /**
   * One bulk request for {@code ids}, answers by id. Items refused as busy or failing (429, 5xx) are sent again
   * ({@link RetryPolicy#resendRefused}).
   */
  private Map<String, HotPathJson.Item> bulk(String what, List<String> ids,
      Function<String, HotPathJson.BulkOp> operation) {
    Map<String, HotPathJson.Item> out = new HashMap<>();
    retry.resendRefused(where(), what + " " + ids.size() + " documents", ids, batch -> {
      Request req = new Request("POST", "/" + config.collection() + "/_bulk");
      req.addParameter("filter_path", HotPathJson.BULK_FILTER);
      req.setEntity(new ByteArrayEntity(HotPathJson.ndjson(batch.stream().map(operation).toList()), NDJSON));
      HotPathJson.BulkAnswer r = send(what + " " + batch.size() + " documents", req, HotPathJson.BULK);
      List<Map<String, HotPathJson.Item>> items = r.items() == null ? List.of() : r.items();
      if (items.size() != batch.size()) {
        throw new StoreException(where() + ": " + what + ": the cluster answered for " + items.size() + " of "
            + batch.size() + " documents sent");
      }
      Map<String, String> refused = new LinkedHashMap<>();
      for (int i = 0; i < items.size(); i++) {
        HotPathJson.Item it = items.get(i).values().iterator().next(); // {"create": {...}} or {"delete": {...}}
        if (it.error() != null && (it.status() == 429 || it.status() >= 500)) {
          refused.put(batch.get(i), "HTTP " + it.status() + " " + it.error());
        } else {
          out.put(batch.get(i), it);
        }
      }
      return refused;
    });
    return out;
  }

  // ------------------------------------------------------------------ target

  @Override
  public WriteResult createIfAbsent(List<Doc> docs) {
    Map<String, Doc> byId = new LinkedHashMap<>();
    for (Doc d : docs) byId.put(d.id(), d);
    List<String> ids = docs.stream().map(Doc::id).toList();
    Map<String, HotPathJson.Item> items = bulk("writing", List.copyOf(byId.keySet()), id -> {
      Doc d = byId.get(id);
      String routing = keyOf(d).routing();
      return new HotPathJson.BulkOp("create", routing == null ? Map.of("_id", id) : Map.of("_id", id, "routing", routing),
          d.fields());
    });
    List<String> created = new ArrayList<>();
    List<String> present = new ArrayList<>();
    List<WriteResult.Rejected> rejected = new ArrayList<>();
    for (String id : ids) {
      HotPathJson.Item it = items.get(id);
      if (it.error() == null) created.add(id);
      else if (it.status() == 409) present.add(id);
      else rejected.add(new WriteResult.Rejected(id, it.error().toString()));
    }
    return new WriteResult(created, present, rejected);
  }

  private static Instant epochMillis(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() ? null : Instant.ofEpochMilli(v.asLong());
  }

  @Override
  public void close() {
    try {
      rest.close();
    } catch (IOException e) {
      // nothing left to lose
    }
  }
}
