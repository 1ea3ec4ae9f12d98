package io.backfillfleet.store.solr;

import io.backfillfleet.store.ChangeMarks;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.FieldCheck;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.KeyRangeBounds;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.RetryPolicy;
import io.backfillfleet.store.SearchVisibility;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.TargetFields;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;
import org.apache.solr.client.solrj.io.SolrClientCache;
import org.apache.solr.client.solrj.request.GenericSolrRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.request.schema.SchemaRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.client.solrj.response.UpdateResponse;
import org.apache.solr.client.solrj.response.json.BucketBasedJsonFacet;
import org.apache.solr.client.solrj.response.json.BucketJsonFacet;
import org.apache.solr.client.solrj.response.json.NestableJsonFacet;
import org.apache.solr.client.solrj.response.schema.SchemaRepresentation;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.common.util.NamedList;

/**
 * A SolrCloud collection as source and create-only target (SolrJ 9, which also talks to Solr 8.11).
 *
 * <p>Reads use {@code cursorMark} sorted by (timestamp, id), so the cursor is a self-contained string any new
 * instance can continue from. Writes send {@code _version_=-1} ("must not exist") through an update chain with
 * {@code TolerantUpdateProcessorFactory}, which reports every conflicting or rejected id exactly; without that
 * chain Solr either aborts the batch half-written or skips conflicts without saying which.
 */
public final class SolrStore implements SearchStore {
  static final String VERSION_FIELD = "_version_";

  private final StoreConfig config;
  private final CloudSolrClient client;
  private final RetryPolicy retry;
  private final Optional<String[]> basicAuth;
  private volatile Set<String> excludedFields;
  private volatile SolrReadPath readPath;
  private volatile SchemaFields schemaFields;
  private volatile TargetFields targetFields;
  private volatile Boolean rangeable;
  private final ChangeMarks marks = new ChangeMarks(this::leadersNewestVersion, this::searchVisibility, System::nanoTime);
  /**
   * The clients of every {@code /export} stream of this store (a cluster-state reader, an HTTP client per shard
   * node): made on the first stream, shared by all. Not the store's own HTTP client: its request timeout would cut a
   * long stream.
   */
  private final SolrClientCache exportClients = new SolrClientCache();

  public SolrStore(StoreConfig config, Map<String, String> env) {
    this.config = config;
    this.retry = RetryPolicy.of(config.maxAttempts(), config.requestTimeout());
    if (config.trustStore() != null) {
      throw new StoreConfigException(config.describe() + ": trustStore is not supported for Solr here yet; start the JVM"
          + " with -Djavax.net.ssl.trustStore=... (JAVA_TOOL_OPTIONS) instead");
    }
    Optional<String> password = config.password(env);
    this.basicAuth = config.username() == null ? Optional.empty()
        : Optional.of(new String[] {config.username(), password.orElse("")});
    Http2SolrClient.Builder http = new Http2SolrClient.Builder();
    http.withConnectionTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    http.withRequestTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    CloudSolrClient.Builder b;
    if (config.zkHost() != null && !config.zkHost().isBlank()) {
      String zk = config.zkHost();
      int slash = zk.indexOf('/');
      b = new CloudSolrClient.Builder(java.util.Arrays.asList((slash < 0 ? zk : zk.substring(0, slash)).split(",")),
          slash < 0 ? Optional.empty() : Optional.of(zk.substring(slash)));
      b.withZkConnectTimeout((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      b = new CloudSolrClient.Builder(config.endpoints());
    }
    b.withInternalClientBuilder(http);
    this.client = b.build();
  }

  @Override
  public List<String> nodeUrls() {
    if (!config.endpoints().isEmpty()) return config.endpoints();
    try {
      var provider = client.getClusterStateProvider();
      String scheme = provider.getClusterProperty("urlScheme", "http");
      return provider.getLiveNodes().stream().sorted()
          .map(node -> org.apache.solr.common.util.URLUtil.getBaseUrlForNodeName(node, scheme)).toList();
    } catch (RuntimeException e) {
      throw new io.backfillfleet.store.StoreUnavailableException(where(), "listing the live Solr nodes", 1, e);
    }
  }

  private String where() {
    return config.describe();
  }

  private <R extends SolrRequest<?>> R auth(R request) {
    basicAuth.ifPresent(a -> request.setBasicAuthCredentials(a[0], a[1]));
    return request;
  }

  private QueryResponse query(String action, SolrQuery q) {
    try {
      return retry.call(where(), action, SolrStore::isTransient, () -> auth(new QueryRequest(q, SolrRequest.METHOD.POST))
          .process(client, config.collection()));
    } catch (SolrException e) {
      throw explain(action, e);
    }
  }

  /** A Solr refusal as a message that names the store and, for the usual causes, what to do. */
  private StoreException explain(String action, SolrException e) {
    String msg = String.valueOf(e.getMessage());
    // credentials and collection first: their messages may contain a field name anywhere (a URL, an HTML page)
    if (e.code() == 401 || e.code() == 403) {
      return new StoreConfigException(where() + " refused the credentials (HTTP " + e.code() + "); check username and"
          + " passwordEnv/passwordFile");
    }
    if (missingCollection(e)) {
      return new StoreConfigException(where() + ": the collection does not exist (" + firstLine(msg) + ")");
    }
    // the field is named only where the message names it as a whole word (a collection or a URL can contain it)
    Optional<String> field = SolrErrors.mentionedField(msg, Map.of("tenantField", config.tenantField(),
        "timestampField", config.timestampField(), "idField", config.idField()));
    if (field.isPresent() || msg.contains("undefined field") || msg.contains("can not sort on")) {
      return new StoreConfigException(where() + ": " + action + " failed: " + firstLine(msg) + "; check "
          + field.orElse("tenantField, timestampField and idField") + " (the fields must exist in the schema; the"
          + " timestamp must be a date field with docValues)");
    }
    return new StoreException(where() + ": " + action + " failed (HTTP " + e.code() + "): " + firstLine(msg), e);
  }

  private static boolean missingCollection(SolrException e) {
    String msg = String.valueOf(e.getMessage());
    return e.code() == 404 || msg.contains("Could not find collection") || msg.contains("Collection not found");
  }

  /** Solr's remote errors carry the server's stack trace after the message: the first line is the reason. */
  private static String firstLine(String msg) {
    int nl = msg.indexOf('\n');
    return nl < 0 ? msg : msg.substring(0, nl).strip();
  }

  /** Connection problems, timeouts, 429 and 5xx are worth retrying; 4xx (a bad query, a missing collection) is not. */
  static boolean isTransient(Exception e) {
    if (e instanceof SolrException se) {
      int code = se.code();
      if (code == 404 || (se.getMessage() != null && se.getMessage().contains("Could not find collection"))) return false;
      return code == 429 || code >= 500 || code <= 0;
    }
    return e instanceof SolrServerException || e instanceof IOException;
  }

  // ------------------------------------------------------------------ source

  @Override
  public List<TenantSpan> tenants() {
    String ts = config.timestampField();
    String tf = config.tenantField();
    SolrQuery q = new SolrQuery("*:*").setRows(0);
    String noTsQuery = "*:* -" + ts + ":[* TO *]";
    String spans = "facet:{first:\"min(" + ts + ")\",last:\"max(" + ts + ")\",nots:{type:query,q:\"" + noTsQuery
        + "\"}}";
    // the terms facet has no bucket for documents without a tenant value: a query facet counts them. The tenants'
    // documents without a timestamp are a second terms facet over those documents: a query facet under each of
    // 100,000 tenant buckets would be measured bucket by bucket (most of the listing's time)
    q.add("json.facet", "{tenants:{type:terms,field:\"" + tf + "\",limit:-1,sort:\"index asc\",facet:{first:\"min("
        + ts + ")\",last:\"max(" + ts + ")\"}},nots:{type:terms,field:\"" + tf + "\",limit:-1,domain:{filter:\"" + noTsQuery
        + "\"}},notenant:{type:query,q:\"" + tenantFilter(TenantSpan.NO_TENANT) + "\"," + spans + "}}");
    QueryResponse r = query("listing tenants", q);
    List<TenantSpan> out = new ArrayList<>();
    if (r.getJsonFacetingResponse() == null) return out;
    Map<String, Long> notsByTenant = new HashMap<>();
    BucketBasedJsonFacet nots = r.getJsonFacetingResponse().getBucketBasedFacets("nots");
    if (nots != null) nots.getBuckets().forEach(b -> notsByTenant.put(String.valueOf(b.getVal()), b.getCount()));
    NestableJsonFacet none = r.getJsonFacetingResponse().getQueryFacet("notenant");
    if (none != null && none.getCount() > 0) {
      long noTs = none.getQueryFacet("nots") == null ? 0 : none.getQueryFacet("nots").getCount();
      out.add(new TenantSpan(TenantSpan.NO_TENANT, none.getCount(), instant(none.getStatValue("first")),
          instant(none.getStatValue("last")), noTs));
    }
    BucketBasedJsonFacet tenants = r.getJsonFacetingResponse().getBucketBasedFacets("tenants");
    if (tenants == null) return out;
    for (BucketJsonFacet b : tenants.getBuckets()) {
      String tenant = String.valueOf(b.getVal());
      out.add(new TenantSpan(tenant, b.getCount(), instant(b.getStatValue("first")), instant(b.getStatValue("last")),
          notsByTenant.getOrDefault(tenant, 0L)));
    }
    return out;
  }

  @Override
  public long totalDocs() {
    return query("counting every document", new SolrQuery("*:*").setRows(0)).getResults().getNumFound();
  }

  @Override
  public void requireUsableFields() {
    try {
      checkFields();
    } catch (SolrException e) {
      throw explain("reading the schema", e); // the first request of a plan: a wrong password or collection shows here
    }
  }

  /** The schema's fields and dynamic fields (with defaults), read once and shared by the checks and the read path. */
  private record SchemaFields(List<Map<String, Object>> fields, List<Map<String, Object>> dynamic) {}

  private SchemaFields schemaFields() {
    SchemaFields f = schemaFields;
    if (f != null) return f;
    ModifiableSolrParams showDefaults = new ModifiableSolrParams();
    showDefaults.set("showDefaults", true);
    List<Map<String, Object>> fields = retry.call(where(), "reading the schema's fields", SolrStore::isTransient,
        () -> auth(new SchemaRequest.Fields(showDefaults)).process(client, config.collection()).getFields());
    List<Map<String, Object>> dynamic = retry.call(where(), "reading the schema's dynamic fields",
        SolrStore::isTransient,
        () -> auth(new SchemaRequest.DynamicFields(showDefaults)).process(client, config.collection()).getDynamicFields());
    schemaFields = new SchemaFields(fields, dynamic);
    return schemaFields;
  }

  /** Field type name to its class. */
  private Map<String, String> typeClasses() {
    Map<String, String> classes = new HashMap<>();
    retry.call(where(), "reading the schema's field types", SolrStore::isTransient,
        () -> auth(new SchemaRequest.FieldTypes()).process(client, config.collection()).getFieldTypes())
        .forEach(t -> classes.put(String.valueOf(t.getAttributes().get("name")), String.valueOf(t.getAttributes().get("class"))));
    return classes;
  }

  @Override
  public TargetFields fields() {
    TargetFields f = targetFields;
    if (f == null) {
      SchemaFields schema = schemaFields();
      f = new SolrTargetFields(schema.fields(), schema.dynamic(), typeClasses());
      targetFields = f;
    }
    return f;
  }

  private void checkFields() {
    SchemaFields schema = schemaFields();
    List<Map<String, Object>> fields = schema.fields();
    List<Map<String, Object>> dynamic = schema.dynamic();
    Map<String, String> classes = typeClasses();
    Map<String, FieldCheck.Field> found = new HashMap<>();
    for (String name : List.of(config.tenantField(), config.timestampField(), config.idField())) {
      SolrSchemaFields.describe(name, fields, dynamic, classes).ifPresent(f -> found.put(name, f));
    }
    FieldCheck.require(config, found, false);
  }

  @Override
  public void requireExists() {
    try {
      retry.call(where(), "checking that the collection exists", SolrStore::isTransient,
          () -> auth(new QueryRequest(new SolrQuery("*:*").setRows(0))).process(client, config.collection()));
    } catch (SolrException e) {
      if (missingCollection(e)) {
        throw new StoreConfigException(where() + " does not exist: create the collection (with the 'tolerant' update"
            + " chain, README: 'What the target needs') or correct its name in the job file");
      }
      throw explain("checking that the collection exists", e);
    }
  }

  /**
   * Solr's classic range facet with {@code facet.range.method=dv}: it reads the timestamp docValues of the tenant's
   * documents only, filtered by the tenant alone (documents outside the window fall outside every bucket). The JSON
   * range facet used before ran a range query per bucket over the whole index, so measuring one tenant cost every
   * tenant's documents in its window and a bitset of the index per bucket (about 0.5 ms a bucket; in the pinned
   * peer benchmark the planner's facets cost the Solr 8 source about as much CPU as reading every document for the
   * copy). {@code histograms} keeps {@link io.backfillfleet.store.SourceStore}'s one query per request: what each
   * costs follows its tenant's documents, where a batch in one JSON facet query cost that whole-index range query per
   * bucket of every tenant.
   */
  @Override
  public Histogram histogram(String tenant, TimeWindow window, Duration bucket) {
    if (window.missingTimestamp()) {
      return new Histogram(List.of(new Histogram.Bucket(null, null, count(tenant, window))));
    }
    SolrQuery q = new SolrQuery("*:*").setRows(0).addFilterQuery(tenantFilter(tenant));
    q.setFacet(true);
    q.set("facet.range", config.timestampField());
    q.set("facet.range.start", window.from().toString());
    q.set("facet.range.end", window.to().toString());
    q.set("facet.range.gap", "+" + Histogram.millis(bucket) + "MILLISECONDS");
    q.set("facet.range.hardend", true);
    q.set("facet.range.method", "dv");
    q.set("facet.mincount", 0);
    QueryResponse r = query("measuring tenant " + TenantSpan.label(tenant), q);
    Map<Instant, Long> counts = new LinkedHashMap<>();
    if (r.getFacetRanges() != null) {
      for (org.apache.solr.client.solrj.response.RangeFacet<?, ?> f : r.getFacetRanges()) {
        for (org.apache.solr.client.solrj.response.RangeFacet.Count c : f.getCounts()) {
          counts.put(instant(c.getValue()), (long) c.getCount());
        }
      }
    }
    return Histogram.of(window, bucket, counts);
  }

  @Override
  public long count(String tenant, TimeWindow window) {
    SolrQuery q = new SolrQuery("*:*").setRows(0).addFilterQuery(tenantFilter(tenant), windowFilter(window));
    return query("counting tenant " + tenant + " " + window, q).getResults().getNumFound();
  }

  @Override
  public String readPath() {
    return readPathChoice().reason();
  }

  private SolrReadPath readPathChoice() {
    SolrReadPath p = readPath;
    if (p != null) return p;
    Set<String> excluded = excludedFields();
    SchemaFields schema = schemaFields();
    List<Map<String, Object>> fields = schema.fields();
    List<Map<String, Object>> dynamic = schema.dynamic();
    readPath = SolrReadPath.choose(fields, dynamic, excluded, config.zkHost() != null && !config.zkHost().isBlank(),
        basicAuth.isPresent());
    return readPath;
  }

  @Override
  public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
    Set<String> excluded = excludedFields();
    // a saved cursor keeps the path it was written by; a new read of a timed window takes the schema's choice
    boolean export = !window.missingTimestamp()
        && (SolrExportReader.isExportCursor(after) || (after.isStart() && readPathChoice().export()));
    if (export) {
      SolrReadPath path = readPathChoice();
      if (!path.export()) {
        throw new StoreConfigException(where() + ": this slice was started through /export, which the schema no longer"
            + " allows (" + path.reason() + "); reset the slice to copy it again with cursorMark (safe:"
            + " writes are create-only)");
      }
      return new SolrExportReader(config, path.fields(),
          new SolrExportReader.Scope(tenant, window, tenantFilter(tenant), windowFilter(window)), after, this::instant,
          rangeable() ? marks::forReadOpeningNow : SolrExportReader.Watermarks.NONE, exportClients);
    }
    return new WindowReader() {
      private String mark = after.isStart() ? CursorMarkParams.CURSOR_MARK_START : after.value();
      private boolean done;

      @Override
      public Page readPage(int pageSize) {
        if (done) return new Page(List.of(), Cursor.of(mark), true);
        SolrQuery q = new SolrQuery("*:*").setRows(pageSize)
            .addFilterQuery(tenantFilter(tenant), windowFilter(window))
            .setSort(config.timestampField(), SolrQuery.ORDER.asc)
            .addSort(config.idField(), SolrQuery.ORDER.asc);
        q.set(CursorMarkParams.CURSOR_MARK_PARAM, mark);
        // each page is a search of its own: all of its key range in the searcher it ran on, which holds every
        // change up to a watermark taken before it (SolrRangeProof)
        OptionalLong w = !window.missingTimestamp() && rangeable() ? marks.forReadOpeningNow() : OptionalLong.empty();
        if (w.isPresent()) q.setFields("*", VERSION_FIELD);
        QueryResponse r = query("reading tenant " + tenant + " " + window, q);
        SolrDocumentList results = r.getResults();
        List<Doc> docs = new ArrayList<>(results.size());
        for (SolrDocument d : results) docs.add(toDoc(d, excluded));
        String next = r.getNextCursorMark();
        done = next == null || next.equals(mark) || docs.size() < pageSize;
        mark = next == null ? mark : next;
        if (docs.isEmpty() || window.missingTimestamp()) return new Page(docs, Cursor.of(mark), done);
        String ts = config.timestampField();
        Instant last = instant(results.get(results.size() - 1).getFieldValue(ts));
        List<PageRange> ranges = w.isEmpty() ? List.of() : List.of(SolrRangeProof.pageRange(tenant, window, docs,
            i -> results.get(i).getFieldValue(ts), i -> results.get(i).getFieldValue(VERSION_FIELD),
            instant(results.get(0).getFieldValue(ts)), last, w.getAsLong()));
        return new Page(docs, Cursor.of(mark), done, ranges).withLastTimestamp(millisFloor(last));
      }

      @Override
      public void close() {}
    };
  }

  private Doc toDoc(SolrDocument d, Set<String> excluded) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : d) {
      if (!excluded.contains(e.getKey())) fields.put(e.getKey(), neutral(e.getValue()));
    }
    Object id = d.getFirstValue(config.idField());
    if (id == null) throw new StoreException(where() + ": a document has no '" + config.idField() + "' field");
    return new Doc(String.valueOf(id), fields);
  }

  /** A Solr value in the neutral form: dates as ISO-8601 strings, lists element by element. */
  static Object neutral(Object v) {
    if (v instanceof Date date) return date.toInstant().toString();
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) out.add(neutral(o));
      return out;
    }
    return v;
  }

  /** {@code _version_} and copyField destinations are derived by Solr: copying them would double or clash. */
  private Set<String> excludedFields() {
    Set<String> ex = excludedFields;
    if (ex != null) return ex;
    Set<String> out = new HashSet<>(Set.of(VERSION_FIELD));
    SchemaRepresentation schema = retry.call(where(), "reading the schema", SolrStore::isTransient,
        () -> auth(new SchemaRequest()).process(client, config.collection()).getSchemaRepresentation());
    for (Map<String, Object> cf : schema.getCopyFields()) out.add(String.valueOf(cf.get("dest")));
    boolean hasTs = schema.getFields().stream().anyMatch(f -> config.timestampField().equals(f.get("name")));
    if (!hasTs) {
      throw new StoreConfigException(where() + ": the timestamp field '" + config.timestampField()
          + "' is not in the schema; set timestampField to the field that holds each document's time");
    }
    excludedFields = Set.copyOf(out);
    return excludedFields;
  }

  @Override
  public Set<String> existingIds(Collection<DocKey> keys) {
    return new HashSet<>(settledRealTimeGet(ids(keys), config.idField()).keySet());
  }

  @Override
  public SearchVisibility searchVisibility() {
    return SolrSearchVisibility.of(client, config.collection(), () -> retry.call(where(), "reading the commit settings",
        SolrStore::isTransient, () -> auth(new GenericSolrRequest(SolrRequest.METHOD.GET, "/config/updateHandler",
            new ModifiableSolrParams())).process(client, config.collection()).getResponse()));
  }

  /**
   * Solr indexes every concurrent update request in a Lucene thread state of its own, flushed into a segment of its
   * own, where Elasticsearch bounds its indexing threads by its cores: with 32 or 64 slices in flight on a one-core
   * Solr 9 target its CPU per document doubled and tripled (the pinned peer benchmark, issue 17), and the copy got
   * slower the more workers ran. So the fleet's default cap is {@link #SLICES_PER_CORE} slices per core of the
   * nodes holding the collection (the cores of the node that answers, times those nodes).
   */
  static final int SLICES_PER_CORE = 8;

  @Override
  public java.util.OptionalInt suggestedSlicesInFlight() {
    try {
      org.apache.solr.common.cloud.DocCollection coll = client.getClusterState().getCollectionOrNull(config.collection());
      if (coll == null) return java.util.OptionalInt.empty();
      Set<String> nodes = new HashSet<>();
      for (org.apache.solr.common.cloud.Replica r : coll.getReplicas()) nodes.add(r.getNodeName());
      Object answer = retry.call(where(), "reading the node's processors", SolrStore::isTransient,
          () -> auth(new GenericSolrRequest(SolrRequest.METHOD.GET, "/admin/info/system", new ModifiableSolrParams()))
              .process(client).getResponse());
      int cores = processors(answer);
      return cores <= 0 || nodes.isEmpty() ? java.util.OptionalInt.empty()
          : java.util.OptionalInt.of(SLICES_PER_CORE * cores * nodes.size());
    } catch (RuntimeException e) {
      return java.util.OptionalInt.empty(); // only a default: without it, each worker's own limits still apply
    }
  }

  /** {@code jvm.processors} of {@code /admin/info/system} (what the JVM may use), else the OS's count; 0 if neither. */
  static int processors(Object info) {
    if (!(info instanceof org.apache.solr.common.util.NamedList<?> n)) return 0;
    Object jvm = n.get("jvm");
    if (jvm instanceof org.apache.solr.common.util.NamedList<?> j && j.get("processors") instanceof Number p) {
      return p.intValue();
    }
    Object system = n.get("system");
    if (system instanceof org.apache.solr.common.util.NamedList<?> sys && sys.get("availableProcessors") instanceof Number p) {
      return p.intValue();
    }
    return 0;
  }

  /**
   * One search with {@code rows=0}: the ids as a terms filter on the unique key, separated by a character none of
   * them contains. Solr routes by id, so a key's routing is not needed.
   */
  @Override
  public OptionalLong countSearchable(Collection<DocKey> keys) {
    if (keys.isEmpty()) return OptionalLong.of(0);
    String sep = "\u001f";
    List<String> ids = ids(keys);
    if (ids.stream().anyMatch(id -> id.contains(sep))) return OptionalLong.empty();
    SolrQuery q = new SolrQuery("*:*");
    q.addFilterQuery("{!terms f=" + config.idField() + " separator=\"" + sep + "\"}" + String.join(sep, ids));
    q.setRows(0);
    return OptionalLong.of(query("counting " + ids.size() + " ids", q).getResults().getNumFound());
  }

  /** Solr routes a document by its id (compositeId: the prefix before '!'), so a key's routing is not needed. */
  private static List<String> ids(Collection<DocKey> keys) {
    return keys.stream().map(DocKey::id).toList();
  }

  /**
   * Real-time get of many ids, asked twice, by id. Why twice: Solr answers the ids of one request that are not in
   * its update log from a searcher it opens at the first such id; if a commit lands meanwhile (autoCommit), it
   * drops the update log entries that the commit made searchable, and later ids of the same request are answered
   * from the searcher opened before that commit, which does not yet see them: a document deleted a moment ago is
   * reported present, one added a moment ago absent (seen in the fault suite: a live delete reported present 8 s
   * later). A commit can skew only one of two consecutive requests, so ids both answers agree on are settled; a
   * third request decides the few on which they disagree.
   */
  private Map<String, SolrDocument> settledRealTimeGet(Collection<String> ids, String fl) {
    Map<String, SolrDocument> first = byId(realTimeGet(ids, fl));
    Map<String, SolrDocument> second = byId(realTimeGet(ids, fl));
    Set<String> disputed = new HashSet<>();
    for (String id : first.keySet()) if (!second.containsKey(id)) disputed.add(id);
    for (String id : second.keySet()) if (!first.containsKey(id)) disputed.add(id);
    if (disputed.isEmpty()) return second;
    Map<String, SolrDocument> out = new HashMap<>(second);
    out.keySet().removeAll(disputed);
    out.putAll(byId(realTimeGet(disputed, fl)));
    return out;
  }

  private Map<String, SolrDocument> byId(SolrDocumentList docs) {
    Map<String, SolrDocument> out = new LinkedHashMap<>();
    for (SolrDocument d : docs) out.put(String.valueOf(d.getFirstValue(config.idField())), d);
    return out;
  }

  /**
   * Real-time get of many ids in one POST (ids in the body: a page of ids in a GET URL overflows Jetty's 8 KB
   * header limit). Sees uncommitted documents too.
   */
  private SolrDocumentList realTimeGet(Collection<String> ids, String fl) {
    if (ids.isEmpty()) return new SolrDocumentList();
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.add("id", ids.toArray(String[]::new)); // one call: adding them one by one copies the array every time
    p.set("fl", fl);
    QueryRequest req = new QueryRequest(p, SolrRequest.METHOD.POST);
    req.setPath("/get");
    try {
      QueryResponse rsp = retry.call(where(), "looking up " + ids.size() + " ids", SolrStore::isTransient,
          () -> auth(req).process(client, config.collection()));
      if (rsp.getResults() != null) return rsp.getResults();
      // for a single id, real-time get answers {"doc": ...} (null when absent) instead of a list
      SolrDocumentList one = new SolrDocumentList();
      if (rsp.getResponse().get("doc") instanceof SolrDocument d) one.add(d);
      return one;
    } catch (SolrException e) {
      throw explain("looking up ids", e);
    }
  }

  /**
   * Whether pages may carry range proofs ({@link SolrRangeProof}): {@code _version_} must have docValues, to be read
   * through {@code /export} and compared in a count. Decided from the schema, once.
   */
  private boolean rangeable() {
    Boolean r = rangeable;
    if (r == null) {
      r = schemaFields().fields().stream().anyMatch(f -> VERSION_FIELD.equals(f.get("name"))
          && Boolean.parseBoolean(String.valueOf(f.get("docValues"))));
      rangeable = r;
    }
    return r;
  }

  /** Only where pages may carry range proofs at all. */
  @Override
  public Optional<ChangeMarks.Shared> changeMarkToShare() {
    return rangeable() ? marks.takeToShare() : Optional.empty();
  }

  @Override
  public void acceptSharedChangeMark(long watermark) {
    marks.acceptShared(watermark);
  }

  /** The watermark for {@link ChangeMarks}: see {@link SolrRangeProof#watermark}. */
  private long leadersNewestVersion() {
    if (!(client instanceof org.apache.solr.client.solrj.impl.CloudHttp2SolrClient cloud)) return -1;
    org.apache.solr.common.cloud.DocCollection coll = client.getClusterState().getCollectionOrNull(config.collection());
    return SolrRangeProof.watermark(coll, (leader, n) -> {
      ModifiableSolrParams p = new ModifiableSolrParams();
      p.set("getVersions", n);
      p.set("distrib", false);
      QueryRequest req = new QueryRequest(p);
      req.setPath("/get");
      return retry.call(where(), "reading the shard leaders' newest versions", SolrStore::isTransient,
          () -> cloud.getHttpClient().requestWithBaseUrl(leader.getBaseUrl(), leader.getCoreName(), auth(req)).getResponse());
    });
  }

  /** One search per range ({@link SolrRangeProof#countQuery}); empty where a range cannot be written as one. */
  @Override
  public List<OptionalLong> countUnchanged(List<PageRange> ranges) {
    List<OptionalLong> out = new ArrayList<>(ranges.size());
    for (PageRange r : ranges) {
      SolrQuery q = SolrRangeProof.countQuery(r, KeyRangeBounds.of(r, where()), config.timestampField(), config.idField(),
          tenantFilter(r.tenant()), windowFilter(r.window()));
      out.add(q == null ? OptionalLong.empty()
          : OptionalLong.of(query("counting a page range", q).getResults().getNumFound()));
    }
    return out;
  }

  /** Consecutive pages' ranges as one where they can be ({@link KeyRangeBounds}): one count instead of several. */
  @Override
  public List<PageRange> joinConsecutive(List<PageRange> ranges) {
    return KeyRangeBounds.joinConsecutive(ranges, where());
  }

  @Override
  public void makeVisible() {
    retry.call(where(), "committing", SolrStore::isTransient, () -> {
      UpdateRequest commit = new UpdateRequest();
      commit.setAction(UpdateRequest.ACTION.COMMIT, true, true);
      return auth(commit).process(client, config.collection());
    });
  }

  // ------------------------------------------------------------------ target

  @Override
  public WriteResult createIfAbsent(List<Doc> docs) {
    if (docs.isEmpty()) return WriteResult.empty();
    List<WriteResult.Rejected> rejected = new ArrayList<>();
    Map<String, SolrInputDocument> byId = new LinkedHashMap<>();
    List<String> sent = new ArrayList<>();
    for (Doc d : docs) {
      Optional<String> problem = SolrDocuments.unsupported(d);
      if (problem.isPresent()) {
        rejected.add(new WriteResult.Rejected(d.id(), problem.get()));
        continue;
      }
      SolrInputDocument in = SolrDocuments.toSolr(d, config.idField());
      in.setField(VERSION_FIELD, -1L); // create-only: "this id must not exist"
      byId.put(d.id(), in);
      sent.add(d.id());
    }
    Set<String> present = new HashSet<>();
    retry.resendRefused(where(), "writing " + byId.size() + " documents", List.copyOf(byId.keySet()), batch -> {
      Map<String, String> errors = send(batch.stream().map(byId::get).toList());
      Map<String, String> refused = new LinkedHashMap<>();
      for (String id : batch) {
        String msg = errors.get(id);
        if (msg == null) continue;
        if (versionConflict(msg)) present.add(id);
        else if (unavailable(msg)) refused.put(id, msg);
        else rejected.add(new WriteResult.Rejected(id, msg));
      }
      return refused;
    });
    Set<String> rejectedIds = new HashSet<>();
    rejected.forEach(r -> rejectedIds.add(r.id()));
    List<String> created = new ArrayList<>();
    List<String> already = new ArrayList<>();
    for (String id : sent) {
      if (present.contains(id)) already.add(id);
      else if (!rejectedIds.contains(id)) created.add(id);
    }
    return new WriteResult(created, already, rejected);
  }

  /** One update request through the tolerant chain; the errors it tolerated, by document id. */
  private Map<String, String> send(List<SolrInputDocument> docs) {
    UpdateRequest ur = new UpdateRequest();
    ur.add(docs);
    ur.setParam("update.chain", config.updateChain());
    UpdateResponse rsp;
    try {
      rsp = retry.call(where(), "writing " + docs.size() + " documents", SolrStore::isTransient,
          () -> auth(ur).process(client, config.collection()));
    } catch (SolrException e) {
      if (String.valueOf(e.getMessage()).contains("unknown UpdateRequestProcessorChain")) {
        throw new StoreConfigException(where() + " has no update chain '" + config.updateChain() + "': add one with "
            + "TolerantUpdateProcessorFactory (maxErrors=-1) before DistributedUpdateProcessorFactory to its solrconfig.xml"
            + " (README: 'Solr target collections'), or set updateChain to the name of such a chain");
      }
      throw new StoreException(where() + ": writing failed: " + e.getMessage(), e);
    }
    return toleratedErrors(rsp);
  }

  /** The per-document errors the tolerant chain reported instead of failing the request: message by id. */
  private static Map<String, String> toleratedErrors(UpdateResponse rsp) {
    Map<String, String> out = new LinkedHashMap<>();
    Object errors = rsp.getResponseHeader() == null ? null : rsp.getResponseHeader().get("errors");
    if (errors instanceof List<?> list) {
      for (Object o : list) {
        NamedList<?> err = (NamedList<?>) o;
        out.put(String.valueOf(err.get("id")), String.valueOf(err.get("message")));
      }
    }
    return out;
  }

  /** Solr's answer to a create-only add of an existing id, or to a delete at a version the document no longer has. */
  private static boolean versionConflict(String message) {
    return message.contains("version conflict");
  }

  /**
   * A per-document error of the tolerant chain that says a shard could not be reached (its node down or
   * restarting), not that the document is bad: such a document is sent again, never dead-lettered.
   */
  static boolean unavailable(String message) {
    if (message.startsWith("ERROR: [doc=")) return false; // Solr's wording for a document it cannot index
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return m.contains("connection refused") || m.contains("no active servers") || m.contains("healthy node")
        || m.contains("service unavailable") || m.contains("idle timeout") || m.contains("timed out")
        || m.contains("not the leader") || m.contains("updates are disabled")
        || m.contains("async exception during distributed update");
  }

  @Override
  public Map<DocKey, String> versions(Collection<DocKey> keys) {
    Map<String, DocKey> byId = new LinkedHashMap<>();
    for (DocKey k : keys) byId.put(k.id(), k);
    Map<DocKey, String> out = new LinkedHashMap<>();
    settledRealTimeGet(byId.keySet(), config.idField() + "," + VERSION_FIELD)
        .forEach((id, d) -> out.put(byId.get(id), String.valueOf(d.getFirstValue(VERSION_FIELD))));
    return out;
  }

  @Override
  public List<String> deleteIfUnchanged(Map<DocKey, String> versions) {
    if (versions.isEmpty()) return List.of();
    Map<String, String> idToVersion = new LinkedHashMap<>();
    versions.forEach((k, v) -> idToVersion.put(k.id(), v));
    UpdateRequest ur = new UpdateRequest();
    idToVersion.forEach((id, v) -> ur.deleteById(id, Long.parseLong(v))); // Solr refuses a delete at another version
    ur.setParam("update.chain", config.updateChain());
    UpdateResponse rsp;
    try {
      rsp = retry.call(where(), "deleting " + idToVersion.size() + " documents", SolrStore::isTransient,
          () -> auth(ur).process(client, config.collection()));
    } catch (SolrException e) {
      throw explain("deleting documents", e);
    }
    Map<String, String> refused = toleratedErrors(rsp);
    refused.forEach((id, msg) -> {
      // only a version conflict means "changed since"; any other error means the delete was not done, and
      // taking it as done would leave a document the source no longer has
      if (!versionConflict(msg)) throw new StoreException(where() + ": deleting " + id + " failed: " + msg);
    });
    return idToVersion.keySet().stream().filter(id -> !refused.containsKey(id)).toList();
  }

  // ------------------------------------------------------------------ helpers

  private String tenantFilter(String tenant) {
    if (tenant == null) return "*:* -" + config.tenantField() + ":[* TO *]"; // the documents without a tenant value
    // an empty value after the local params would be no value at all: the empty tenant is given as v=''
    return "{!term f=" + config.tenantField() + (tenant.isEmpty() ? " v=''}" : "}" + tenant);
  }

  private String windowFilter(TimeWindow w) {
    String ts = config.timestampField();
    return w.missingTimestamp() ? "*:* -" + ts + ":[* TO *]" : ts + ":[" + w.from() + " TO " + w.to() + "}";
  }

  /** A page's last timestamp rounded down to the millisecond (a cut is a whole millisecond past it). */
  static Instant millisFloor(Instant t) {
    return Instant.ofEpochMilli(t.toEpochMilli()); // nanos are never negative: this rounds down
  }

  private Instant instant(Object v) {
    if (v == null) return null;
    if (v instanceof Date d) return d.toInstant();
    if (v instanceof Number n) return Instant.ofEpochMilli(n.longValue());
    try {
      return Instant.parse(v.toString());
    } catch (java.time.format.DateTimeParseException e) {
      throw new StoreConfigException(where() + ": timestampField '" + config.timestampField() + "' is not a date field"
          + " (Solr answered '" + v + "' where a time was expected); set timestampField to a date field with docValues");
    }
  }

  @Override
  public void close() {
    exportClients.close();
    try {
      client.close();
    } catch (IOException e) {
      // closing a client has nothing left to lose
    }
  }
}
