package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreUnavailableException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.solr.client.solrj.io.Tuple;
import org.apache.solr.client.solrj.io.comp.StreamComparator;
import org.apache.solr.client.solrj.io.stream.StreamContext;
import org.apache.solr.client.solrj.io.stream.TupleStream;
import org.apache.solr.client.solrj.io.stream.expr.Explanation;
import org.apache.solr.client.solrj.io.stream.expr.StreamFactory;
import org.junit.jupiter.api.Test;

/**
 * The /export reader's position under a stream that breaks mid-page (a Solr node restarting, a connection reset):
 * the page is lost, so the position must stay after the last page handed out, or the next stream starts past
 * documents nobody received. The stream here is an in-memory one (the failure cannot be timed on a real node);
 * SolrExportIT reads through real /export.
 */
class SolrExportReaderTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final StoreConfig CONFIG = StoreConfig.solrCloud("127.0.0.1:9/solr", "c");

  @Test
  void aStreamBrokenMidPageLosesNothing() {
    List<Tuple> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) all.add(tuple("d" + i, T0.plusSeconds(i)));
    int[] opened = {0};
    SolrExportReader reader = new SolrExportReader(CONFIG, List.of("id", "ts"),
        new SolrExportReader.Scope("t", TimeWindow.of(T0, T0.plusSeconds(60)), "", ""), Cursor.START,
        v -> Instant.parse(v.toString()), SolrExportReader.Watermarks.NONE, (after, withVersions) -> {
          opened[0]++;
          // the first stream breaks after handing out 5 documents: one page of 3, then 2 of the next page
          return new ListStream(all.stream().filter(t -> after.isStart() || isAfter(t, after)).toList(),
              opened[0] == 1 ? 5 : Integer.MAX_VALUE);
        });
    assertThat(ids(reader.readPage(3))).containsExactly("d0", "d1", "d2");
    assertThatThrownBy(() -> reader.readPage(3)).isInstanceOf(StoreUnavailableException.class);
    List<String> rest = new ArrayList<>();
    for (Page p = reader.readPage(3); ; p = reader.readPage(3)) {
      rest.addAll(ids(p));
      if (p.last()) break;
    }
    assertThat(rest).as("the page that failed is read again, from its first document")
        .containsExactly("d3", "d4", "d5", "d6", "d7", "d8", "d9");
    assertThat(opened[0]).isEqualTo(2);
    reader.close();
    assertThatThrownBy(() -> reader.readPage(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  private static boolean isAfter(Tuple t, Cursor after) {
    Cursor c = SolrExportReader.cursor(Instant.parse(t.getString("ts")), t.getString("id"));
    String[] a = after.value().substring(SolrExportReader.PREFIX.length()).split(":", 2);
    String[] b = c.value().substring(SolrExportReader.PREFIX.length()).split(":", 2);
    int byTs = Long.compare(Long.parseLong(b[0]), Long.parseLong(a[0]));
    return byTs > 0 || (byTs == 0 && b[1].compareTo(a[1]) > 0);
  }

  private static Tuple tuple(String id, Instant ts) {
    return new Tuple(Map.of("id", id, "ts", ts.toString()));
  }

  private static List<String> ids(Page p) {
    return p.docs().stream().map(Doc::id).toList();
  }

  /** Tuples in order, then EOF; throws IOException after {@code failAfter} reads, as a broken connection does. */
  private static final class ListStream extends TupleStream {
    private final Iterator<Tuple> tuples;
    private final int failAfter;
    private int read;

    ListStream(List<Tuple> tuples, int failAfter) {
      this.tuples = tuples.iterator();
      this.failAfter = failAfter;
    }

    @Override public Tuple read() throws IOException {
      if (read++ >= failAfter) throw new IOException("connection reset");
      return tuples.hasNext() ? tuples.next() : Tuple.EOF();
    }

    @Override public void setStreamContext(StreamContext context) { }
    @Override public List<TupleStream> children() { return List.of(); }
    @Override public void open() { }
    @Override public void close() { }
    @Override public StreamComparator getStreamSort() { return null; }
    @Override public Explanation toExplanation(StreamFactory factory) { return null; }
  }
}
