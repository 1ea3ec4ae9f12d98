package io.backfillfleet.store.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.RetryPolicy;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
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
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * An Elasticsearch index as source and create-only target. One client version (elasticsearch-java 8.19) talks
 * to 7.17, 8.x and 9.x servers.
 *
 * <p>Reads use a point-in-time and {@code search_after} on (timestamp, id field): the cursor is those two sort
 * values, so it continues on a new point-in-time after a crash or an expiry. The id field must be a keyword
 * field holding the document id (Elasticsearch does not sort on {@code _id}). Aggregations and the
 * point-in-time go through the low-level client, whose plain JSON every major accepts (7.17 refuses the typed
 * PIT request body).
 */
public final class ElasticsearchStore implements SearchStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEEP_ALIVE = "5m";
  private static final int COMPOSITE_PAGE = 1000;

  private final StoreConfig config;
  private final RestClient rest;
  private final ElasticsearchClient client;
  private final RetryPolicy retry;

  public ElasticsearchStore(StoreConfig config, Map<String, String> env) {
    this.config = config;
    this.retry = RetryPolicy.of(config.maxAttempts());
    HttpHost[] hosts = config.endpoints().stream().map(HttpHost::create).toArray(HttpHost[]::new);
    RestClientBuilder b = RestClient.builder(hosts)
        .setRequestConfigCallback(r -> r.setConnectTimeout((int) config.connectTimeout().toMillis())
            .setSocketTimeout((int) config.requestTimeout().toMillis()));
    Optional<String> apiKey = config.apiKey(env);
    apiKey.ifPresent(k -> b.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", "ApiKey " + k)}));
    Optional<String> password = config.password(env);
    SSLContext ssl = config.trustStore() == null ? null : sslContext(config, env);
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
    this.client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(JSON)));
  }

  private static SSLContext sslContext(StoreConfig config, Map<String, String> env) {
    try (InputStream in = Files.newInputStream(Path.of(config.trustStore()))) {
      KeyStore ks = KeyStore.getInstance(config.trustStore().endsWith(".jks") ? "JKS" : "PKCS12");
      ks.load(in, config.trustStorePassword(env).map(String::toCharArray).orElse(null));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new StoreConfigException("cannot load trustStore " + config.trustStore() + " for " + config.describe() + ": "
          + e.getMessage());
    }
  }

  private String where() {
    return config.describe();
  }

  static boolean isTransient(Exception e) {
    if (e instanceof ElasticsearchException ee) return ee.status() == 429 || ee.status() >= 500;
    if (e instanceof ResponseException re) {
      int s = re.getResponse().getStatusLine().getStatusCode();
      return s == 429 || s >= 500;
    }
    if (e instanceof TransportException te) return te.getCause() instanceof IOException || te.getCause() == null;
    return e instanceof IOException;
  }

  /** Runs a request with retries, and turns "no such index" into a message that says so. */
  private <T> T call(String action, java.util.concurrent.Callable<T> body) {
    try {
      return retry.call(where(), action, ElasticsearchStore::isTransient, body);
    } catch (ElasticsearchException e) {
      String detail = e.getMessage();
      if (e.error() != null && !e.error().rootCause().isEmpty()) {
        detail += " (" + e.error().rootCause().get(0).type() + ": " + e.error().rootCause().get(0).reason() + ")";
      }
      throw explain(action, e.status(), detail, e);
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
    if (String.valueOf(message).contains("index_not_found")) {
      return new StoreConfigException(where() + ": the index does not exist; check the collection name (" + action + ")");
    }
    if (status == 400 && String.valueOf(message).contains("[" + config.timestampField() + "]")) {
      return new StoreConfigException(where() + ": " + action + " failed: " + message + "; check timestampField '"
          + config.timestampField() + "': it must be a date field");
    }
    if (status == 401 || status == 403) {
      return new StoreConfigException(where() + " refused the credentials (HTTP " + status + ") while " + action
          + "; check the user and password or API key");
    }
    return new StoreException(where() + ": " + action + " failed (HTTP " + status + "): " + message, e);
  }

  private JsonNode lowLevel(String action, String method, String path, Object body) {
    return call(action, () -> {
      Request r = new Request(method, path);
      if (body != null) r.setJsonEntity(JSON.writeValueAsString(body));
      var resp = rest.performRequest(r);
      return resp.getEntity() == null ? JSON.nullNode() : JSON.readTree(resp.getEntity().getContent());
    });
  }

  // ------------------------------------------------------------------ source

  @Override
  public List<TenantSpan> tenants() {
    List<TenantSpan> out = new ArrayList<>();
    JsonNode after = null;
    do {
      ObjectNode composite = JSON.createObjectNode().put("size", COMPOSITE_PAGE);
      composite.putArray("sources").addObject().putObject("tenant").putObject("terms").put("field", config.tenantField());
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
        out.add(new TenantSpan(b.path("key").path("tenant").asText(), b.path("doc_count").asLong(),
            epochMillis(b.path("first").path("value")), epochMillis(b.path("last").path("value")),
            b.path("nots").path("doc_count").asLong()));
      }
      after = t.path("buckets").size() < COMPOSITE_PAGE || t.path("after_key").isMissingNode() ? null : t.get("after_key");
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

  /** The tenant-and-window filter as plain JSON (for the low-level client). */
  private Map<String, Object> queryJson(String tenant, TimeWindow w) {
    List<Object> filter = new ArrayList<>();
    filter.add(Map.of("term", Map.of(config.tenantField(), tenant)));
    Map<String, Object> bool = new HashMap<>();
    if (w.missingTimestamp()) {
      bool.put("must_not", List.of(Map.of("exists", Map.of("field", config.timestampField()))));
    } else {
      filter.add(Map.of("range", Map.of(config.timestampField(), Map.of("gte", w.from().toEpochMilli(),
          "lt", w.to().toEpochMilli(), "format", "epoch_millis"))));
    }
    bool.put("filter", filter);
    return Map.of("bool", bool);
  }

  private Query query(String tenant, TimeWindow w) {
    return Query.of(q -> q.bool(b -> {
      b.filter(f -> f.term(t -> t.field(config.tenantField()).value(tenant)));
      if (w.missingTimestamp()) {
        b.mustNot(m -> m.exists(e -> e.field(config.timestampField())));
      } else {
        b.filter(f -> f.range(r -> r.date(d -> d.field(config.timestampField()).format("epoch_millis")
            .gte(String.valueOf(w.from().toEpochMilli())).lt(String.valueOf(w.to().toEpochMilli())))));
      }
      return b;
    }));
  }

  @Override
  public long count(String tenant, TimeWindow window) {
    return call("counting tenant " + tenant + " " + window,
        () -> client.count(c -> c.index(config.collection()).query(query(tenant, window))).count());
  }

  @Override
  public String readPath() {
    return "Elasticsearch point-in-time with search_after (sorted by timestamp and id)";
  }

  @Override
  public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
    return new PitReader(tenant, window, after);
  }

  /** One point-in-time per reader; reopened (continuing from the cursor) if it expires. */
  private final class PitReader implements WindowReader {
    private final String tenant;
    private final TimeWindow window;
    private List<FieldValue> searchAfter;
    private String pit;
    private boolean done;

    PitReader(String tenant, TimeWindow window, Cursor after) {
      this.tenant = tenant;
      this.window = window;
      this.searchAfter = after.isStart() ? null : decodeCursor(after.value());
    }

    @Override
    public Page readPage(int pageSize) {
      if (done) return new Page(List.of(), cursor(), true);
      if (pit == null) pit = openPit();
      SearchResponse<ObjectNode> r;
      try {
        r = search(pageSize);
      } catch (StoreException e) {
        if (!String.valueOf(e.getMessage()).contains("search_context_missing")) throw e;
        pit = openPit(); // expired between pages: a new one continues from the same sort values
        r = search(pageSize);
      }
      if (r.pitId() != null) pit = r.pitId();
      List<Hit<ObjectNode>> hits = r.hits().hits();
      List<Doc> docs = new ArrayList<>(hits.size());
      for (Hit<ObjectNode> h : hits) {
        Map<String, Object> fields = JSON.convertValue(h.source(), new TypeReference<Map<String, Object>>() {});
        docs.add(new Doc(h.id(), fields));
      }
      if (!hits.isEmpty()) searchAfter = hits.get(hits.size() - 1).sort();
      done = hits.size() < pageSize;
      return new Page(docs, cursor(), done);
    }

    private SearchResponse<ObjectNode> search(int pageSize) {
      String id = pit;
      SearchRequest req = SearchRequest.of(s -> {
        s.size(pageSize).pit(p -> p.id(id).keepAlive(k -> k.time(KEEP_ALIVE))).query(query(tenant, window))
            .trackTotalHits(t -> t.enabled(false));
        if (!window.missingTimestamp()) {
          s.sort(so -> so.field(f -> f.field(config.timestampField()).order(SortOrder.Asc)));
        }
        s.sort(so -> so.field(f -> f.field(config.idField()).order(SortOrder.Asc)));
        if (searchAfter != null) s.searchAfter(searchAfter);
        return s;
      });
      return call("reading tenant " + tenant + " " + window, () -> client.search(req, ObjectNode.class));
    }

    private Cursor cursor() {
      return searchAfter == null ? Cursor.START : Cursor.of(encodeCursor(searchAfter));
    }

    @Override
    public void close() {
      if (pit == null) return;
      try {
        Request r = new Request("DELETE", "/_pit");
        r.setJsonEntity(JSON.writeValueAsString(Map.of("id", pit)));
        rest.performRequest(r);
      } catch (Exception e) {
        // it expires by itself after its keep-alive
      }
      pit = null;
    }
  }

  private String openPit() {
    return lowLevel("opening a point-in-time", "POST", "/" + config.collection() + "/_pit?keep_alive=" + KEEP_ALIVE, null)
        .path("id").asText();
  }

  static String encodeCursor(List<FieldValue> values) {
    ArrayNode a = JSON.createArrayNode();
    for (FieldValue v : values) {
      if (v.isLong()) a.add(v.longValue());
      else if (v.isDouble()) a.add(v.doubleValue());
      else if (v.isBoolean()) a.add(v.booleanValue());
      else if (v.isNull()) a.addNull();
      else a.add(v.stringValue());
    }
    return a.toString();
  }

  static List<FieldValue> decodeCursor(String s) {
    try {
      List<FieldValue> out = new ArrayList<>();
      for (JsonNode n : JSON.readTree(s)) {
        if (n.isIntegralNumber()) out.add(FieldValue.of(n.asLong()));
        else if (n.isNumber()) out.add(FieldValue.of(n.asDouble()));
        else if (n.isBoolean()) out.add(FieldValue.of(n.asBoolean()));
        else if (n.isNull()) out.add(FieldValue.NULL);
        else out.add(FieldValue.of(n.asText()));
      }
      return out;
    } catch (IOException e) {
      throw new StoreException("saved cursor '" + s + "' is not an Elasticsearch cursor: " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> existingIds(Collection<String> ids) {
    Set<String> out = new HashSet<>();
    lookUp("looking up ids", ids).forEach(d -> out.add(d.id()));
    return out;
  }

  /**
   * The documents among {@code ids} that exist (id, seq_no, primary term). A lookup the cluster could not answer
   * (a shard unavailable) is retried and then raised: taken as "not found", it would delete a target document that
   * the source still has, or keep one it no longer has.
   */
  private List<GetResult<ObjectNode>> lookUp(String action,
      Collection<String> ids) {
    if (ids.isEmpty()) return List.of();
    return call(action, () -> {
      MgetResponse<ObjectNode> r = client.mget(m -> m.index(config.collection()).ids(List.copyOf(ids))
          .source(s -> s.fetch(false)), ObjectNode.class);
      List<GetResult<ObjectNode>> found = new ArrayList<>();
      for (var d : r.docs()) {
        if (d.isFailure()) {
          throw new IOException("the cluster could not look up " + d.failure().id() + ": " + d.failure().error().reason());
        }
        if (d.result().found()) found.add(d.result());
      }
      return found;
    });
  }

  @Override
  public void makeVisible() {
    call("refreshing", () -> client.indices().refresh(r -> r.index(config.collection())));
  }

  @Override
  public Map<String, String> versions(Collection<String> ids) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var d : lookUp("reading versions", ids)) {
      if (d.seqNo() != null) out.put(d.id(), d.seqNo() + ":" + d.primaryTerm());
    }
    return out;
  }

  @Override
  public List<String> deleteIfUnchanged(Map<String, String> idToVersion) {
    List<String> ids = List.copyOf(idToVersion.keySet());
    Map<String, BulkResponseItem> items = bulk("deleting", ids, id -> {
      String[] v = idToVersion.get(id).split(":");
      return BulkOperation.of(op -> op.delete(d -> d.id(id)
          .ifSeqNo(Long.parseLong(v[0])).ifPrimaryTerm(Long.parseLong(v[1]))));
    });
    List<String> deleted = new ArrayList<>();
    for (String id : ids) {
      if (items.get(id).error() == null) deleted.add(id); // 409: changed since; 404: already gone
    }
    return deleted;
  }

  /**
   * One bulk request for {@code ids}, answers by id. Items refused as busy or failing (429, 5xx) are sent again
   * ({@link RetryPolicy#resendRefused}).
   */
  private Map<String, BulkResponseItem> bulk(String what, List<String> ids,
      Function<String, BulkOperation> operation) {
    Map<String, BulkResponseItem> out = new HashMap<>();
    retry.resendRefused(where(), what + " " + ids.size() + " documents", ids, batch -> {
      BulkResponse r = call(what + " " + batch.size() + " documents", () -> {
        BulkRequest.Builder br = new BulkRequest.Builder().index(config.collection());
        for (String id : batch) br.operations(operation.apply(id));
        return client.bulk(br.build());
      });
      Map<String, String> refused = new LinkedHashMap<>();
      for (int i = 0; i < r.items().size(); i++) {
        BulkResponseItem it = r.items().get(i);
        if (it.error() != null && (it.status() == 429 || it.status() >= 500)) {
          refused.put(batch.get(i), "HTTP " + it.status() + " " + it.error().type() + ": " + it.error().reason());
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
    Map<String, BulkResponseItem> items = bulk("writing", List.copyOf(byId.keySet()),
        id -> BulkOperation.of(op -> op.create(c -> c.id(id)
            .document(byId.get(id).fields()))));
    List<String> created = new ArrayList<>();
    List<String> present = new ArrayList<>();
    List<WriteResult.Rejected> rejected = new ArrayList<>();
    for (String id : ids) {
      BulkResponseItem it = items.get(id);
      if (it.error() == null) created.add(id);
      else if (it.status() == 409) present.add(id);
      else rejected.add(new WriteResult.Rejected(id, it.error().type() + ": " + it.error().reason()));
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
