package io.backfillfleet.store.solr;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
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
 */
final class SolrExportReader implements WindowReader {
  static final String PREFIX = "export:";

  private final StoreConfig config;
  private final List<String> fields;
  private final String tenantFilter;
  private final String windowFilter;
  private final Function<Object, Instant> instant; // the store's reading of a timestamp value, with its error
  private final SolrClientCache cache = new SolrClientCache();
  private final StreamOpener opener;
  private TupleStream stream;
  private Cursor position;
  private boolean done;
  private boolean closed;

  /** Opens the merged stream of the window's documents strictly after a position. */
  interface StreamOpener {
    TupleStream open(Cursor after) throws IOException;
  }

  SolrExportReader(StoreConfig config, List<String> fields, String tenantFilter, String windowFilter, Cursor after,
      Function<Object, Instant> instant) {
    this(config, fields, tenantFilter, windowFilter, after, instant, null);
  }

  /** With {@code opener} null, streams come from {@code /export} through {@link CloudSolrStream}. */
  SolrExportReader(StoreConfig config, List<String> fields, String tenantFilter, String windowFilter, Cursor after,
      Function<Object, Instant> instant, StreamOpener opener) {
    this.config = config;
    this.fields = fields;
    this.tenantFilter = tenantFilter;
    this.windowFilter = windowFilter;
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

  private TupleStream openExport(Cursor after) throws IOException {
    ModifiableSolrParams p = new ModifiableSolrParams();
    p.set("q", "*:*");
    p.add("fq", tenantFilter, windowFilter);
    if (!after.isStart()) p.add("fq", afterFilter(after, config.timestampField(), config.idField()));
    p.set("fl", String.join(",", fields));
    p.set("sort", config.timestampField() + " asc," + config.idField() + " asc");
    p.set("qt", "/export");
    CloudSolrStream export = new CloudSolrStream(config.zkHost(), config.collection(), p);
    StreamContext context = new StreamContext();
    context.setSolrClientCache(cache);
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
      if (stream == null) stream = opener.open(position);
      List<Doc> docs = new ArrayList<>(pageSize);
      boolean eof = false;
      Tuple last = null;
      while (docs.size() < pageSize) {
        Tuple t = stream.read();
        if (t.EOF) {
          eof = true;
          break;
        }
        docs.add(toDoc(t));
        last = t;
      }
      if (last != null) { // only the last document's time is the cursor (reading each one's cost 6 % of the worker)
        lastTs = instant.apply(last.get(config.timestampField()));
        reached = cursor(lastTs, docs.get(docs.size() - 1).id());
      }
      position = reached;
      done = eof;
      Page page = new Page(docs, position, done);
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
    cache.close();
  }
}
