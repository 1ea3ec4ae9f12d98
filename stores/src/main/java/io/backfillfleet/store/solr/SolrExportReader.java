package io.backfillfleet.store.solr;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreException;
import io.backfillfleet.store.StoreUnavailableException;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.solr.client.solrj.io.SolrClientCache;
import org.apache.solr.client.solrj.io.Tuple;
import org.apache.solr.client.solrj.io.stream.CloudSolrStream;
import org.apache.solr.client.solrj.io.stream.StreamContext;
import org.apache.solr.client.solrj.io.stream.TupleStream;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * Reads a tenant's timed window through {@code /export} on every shard, merged by {@link CloudSolrStream} in
 * (timestamp, id) order. One stream serves every page; the cursor is the last (timestamp, id) pair, so a new
 * reader (after a crash, in another process) filters past it and goes on.
 *
 * <p>Where a watermark is given as a stream opens ({@link SolrRangeProof}), every page carries its key range proof:
 * a stream reads each shard through one searcher, opened after every change up to the watermark was searchable, so
 * a page is all of its (timestamp, id) range in that view. The stream then also reads {@code _version_}.
 */
final class SolrExportReader implements WindowReader {
  static final String PREFIX = "export:";

  private final StoreConfig config;
  private final List<String> fields;
  private final Scope scope;
  private final Watermarks watermarks;
  private final Function<Object, Instant> instant; // the store's reading of a timestamp value, with its error
  private final SolrClientCache clients; // the store's: shared by its readers, closed with the store
  private final StreamOpener opener;
  private TupleStream stream;
  /** The open stream's watermark; empty: its pages carry no range proof. */
  private OptionalLong watermark = OptionalLong.empty();
  private Cursor position;
  private boolean done;
  private boolean closed;

  /** What a reader reads: a tenant's window, and the filters that select it. */
  record Scope(String tenant, TimeWindow window, String tenantFilter, String windowFilter) {}

  /** The watermark for a stream opening now ({@link io.backfillfleet.store.ChangeMarks}); empty for none. */
  interface Watermarks {
    Watermarks NONE = OptionalLong::empty;

    OptionalLong forReadOpeningNow();
  }

  /** Opens the merged stream of the window's documents strictly after a position, with their versions or not. */
  interface StreamOpener {
    TupleStream open(Cursor after, boolean withVersions) throws IOException;
  }

  /**
   * A reader whose streams come from {@code /export} through {@link CloudSolrStream}, with the store's client cache:
   * one per reader had opened a ZooKeeper session and an HTTP client per shard for every slice, and closed them on
   * the slice's thread (87 sessions in a 30-s benchmark copy, 0.1 s each to close).
   */
  SolrExportReader(StoreConfig config, List<String> fields, Scope scope, Cursor after, Function<Object, Instant> instant,
      Watermarks watermarks, SolrClientCache clients) {
    this(config, fields, scope, after, instant, watermarks, clients, null);
  }

  /** With {@code opener} given (tests), streams come from it instead. */
  SolrExportReader(StoreConfig config, List<String> fields, Scope scope, Cursor after, Function<Object, Instant> instant,
      Watermarks watermarks, StreamOpener opener) {
    this(config, fields, scope, after, instant, watermarks, null, opener);
  }

  private SolrExportReader(StoreConfig config, List<String> fields, Scope scope, Cursor after,
      Function<Object, Instant> instant, Watermarks watermarks, SolrClientCache clients, StreamOpener opener) {
    this.clients = clients;
    this.config = config;
    this.fields = fields;
    this.scope = scope;
    this.watermarks = watermarks;
    this.instant = instant;
    this.position = after;
    this.opener = opener != null ? opener : this::openExport;
  }

  /** Whether a saved cursor was written by this reader. */
  static boolean isExportCursor(Cursor c) {
    return c.value().startsWith(PREFIX);
  }

  static Cursor cursor(Instant ts, String id) {
    return Cursor.of(PREFIX + ts.toEpochMilli() + ":" + id);
  }

  /** The filter for "strictly after (ts, id)" in (ts asc, id asc) order. */
  static String afterFilter(Cursor c, String tsField, String idField) {
    String v = c.value().substring(PREFIX.length());
    int colon = v.indexOf(':');
    String ts = Instant.ofEpochMilli(Long.parseLong(v.substring(0, colon))).toString();
    String id = v.substring(colon + 1).replace("\\", "\\\\").replace("\"", "\\\"");
    return tsField + ":{" + ts + " TO *] OR (" + tsField + ":[" + ts + " TO " + ts + "] AND " + idField + ":{\"" + id
        + "\" TO *])";
  }

  private TupleStream openExport(Cursor after, boolean withVersions) throws IOException {
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("q", "*:*");
    p.add("fq", scope.tenantFilter(), scope.windowFilter());
    if (!after.isStart()) p.add("fq", afterFilter(after, config.timestampField(), config.idField()));
    p.set("fl", String.join(",", fields) + (withVersions ? "," + SolrStore.VERSION_FIELD : ""));
    p.set("sort", config.timestampField() + " asc," + config.idField() + " asc");
    p.set("qt", "/export");
    CloudSolrStream export = new CloudSolrStream(config.zkHost(), config.collection(), p);
    StreamContext context = new StreamContext();
    context.setSolrClientCache(clients);
    export.setStreamContext(context);
    export.open();
    return export;
  }

  @Override
  public Page readPage(int pageSize) {
    if (closed) throw new IllegalStateException("this reader of " + config.describe() + " was closed");
    if (done) return new Page(List.of(), position, true);
    // The position moves only with a page handed out: a read that fails mid-page (the stream broken, a bad
    // document) leaves it after the last page returned, and the next read starts a new stream from there.
    Cursor reached = position;
    Instant lastTs = null;
    try {
      if (stream == null) {
        watermark = watermarks.forReadOpeningNow(); // taken before the stream's searchers are
        stream = opener.open(position, watermark.isPresent());
      }
      List<Doc> docs = new ArrayList<>(pageSize);
      List<Tuple> tuples = new ArrayList<>(pageSize);
      boolean eof = false;
      while (docs.size() < pageSize) {
        Tuple t = stream.read();
        if (t.EOF) {
          eof = true;
          break;
        }
        docs.add(toDoc(t));
        tuples.add(t);
      }
      List<PageRange> ranges = List.of();
      if (!tuples.isEmpty()) { // only the last document's time is the cursor (reading each one's cost 6 % of the worker)
        lastTs = instant.apply(tuples.get(tuples.size() - 1).get(config.timestampField()));
        reached = cursor(lastTs, docs.get(docs.size() - 1).id());
        if (watermark.isPresent()) {
          String ts = config.timestampField();
          ranges = List.of(SolrRangeProof.pageRange(scope.tenant(), scope.window(), docs,
              i -> tuples.get(i).get(ts), i -> tuples.get(i).get(SolrStore.VERSION_FIELD),
              instant.apply(tuples.get(0).get(ts)), lastTs, watermark.getAsLong()));
        }
      }
      position = reached;
      done = eof;
      Page page = new Page(docs, position, done, ranges);
      return lastTs == null ? page : page.withLastTimestamp(SolrStore.millisFloor(lastTs));
    } catch (IOException e) {
      closeStream(); // a later readPage opens a new stream after the last document handed out
      throw new StoreUnavailableException(config.describe(), "reading through /export", 1, e);
    } catch (RuntimeException e) {
      closeStream(); // the stream is somewhere inside the failed page: never continue it
      throw e;
    }
  }

  private Doc toDoc(Tuple t) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String f : fields) {
      Object v = t.get(f);
      if (v == null) continue;
      out.put(f, SolrStore.neutral(v));
    }
    Object id = t.get(config.idField());
    Object ts = t.get(config.timestampField());
    if (id == null || ts == null) {
      throw new StoreException(config.describe() + ": an exported document lacks '" + config.idField() + "' or '"
          + config.timestampField() + "'");
    }
    return new Doc(String.valueOf(id), out);
  }

  private void closeStream() {
    try {
      if (stream != null) stream.close();
    } catch (IOException e) {
      // nothing left to lose on a read stream
    } finally {
      stream = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    closeStream();
  }
}
