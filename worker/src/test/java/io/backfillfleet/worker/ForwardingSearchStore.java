package io.backfillfleet.worker;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real store with hooks: every call goes to {@code real}; a test overrides the one it hooks (a live writer acting
 * after a read, a read that fails). Closing it leaves the real store open.
 */
abstract class ForwardingSearchStore implements SearchStore {
  protected final SearchStore real;

  ForwardingSearchStore(SearchStore real) {
    this.real = real;
  }

  @Override public List<TenantSpan> tenants() { return real.tenants(); }
  @Override public long totalDocs() { return real.totalDocs(); }
  @Override public void requireUsableFields() { real.requireUsableFields(); }
  @Override public void requireExists() { real.requireExists(); }
  @Override public Histogram histogram(String t, TimeWindow w, Duration b) { return real.histogram(t, w, b); }
  @Override public long count(String t, TimeWindow w) { return real.count(t, w); }
  @Override public WindowReader reader(String t, TimeWindow w, Cursor after) { return real.reader(t, w, after); }
  @Override public String readPath() { return real.readPath(); }
  @Override public Set<String> existingIds(Collection<DocKey> keys) { return real.existingIds(keys); }
  @Override public io.backfillfleet.store.SearchVisibility searchVisibility() { return real.searchVisibility(); }
  @Override public java.util.OptionalLong countSearchable(Collection<DocKey> keys) { return real.countSearchable(keys); }
  @Override public List<java.util.OptionalLong> countUnchanged(List<io.backfillfleet.store.PageRange> ranges) {
    return real.countUnchanged(ranges);
  }
  @Override public java.util.Optional<io.backfillfleet.store.ChangeMarks.Shared> changeMarkToShare() {
    return real.changeMarkToShare();
  }
  @Override public void acceptSharedChangeMark(long watermark) { real.acceptSharedChangeMark(watermark); }
  @Override public void makeVisible() { real.makeVisible(); }
  @Override public WriteResult createIfAbsent(List<Doc> docs) { return real.createIfAbsent(docs); }
  @Override public DocKey keyOf(Doc doc) { return real.keyOf(doc); }
  @Override public boolean keepsSourceRouting() { return real.keepsSourceRouting(); }
  @Override public Map<DocKey, String> versions(Collection<DocKey> keys) { return real.versions(keys); }
  @Override public List<String> deleteIfUnchanged(Map<DocKey, String> versions) { return real.deleteIfUnchanged(versions); }
  @Override public void checkCanDelete() { real.checkCanDelete(); }
  @Override public List<String> nodeUrls() { return real.nodeUrls(); }
  @Override public void close() { }
}
