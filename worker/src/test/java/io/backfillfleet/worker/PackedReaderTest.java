package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.SlicePart;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.Histogram;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The packed slice's stream of pages over its windows, and its cursor; against an in-memory store (no server). */
class PackedReaderTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  /** Documents per tenant in memory; a window's reader pages them with the index as its cursor. */
  static final class MemoryStore implements SourceStore {
    final Map<String, List<Doc>> docs = new HashMap<>();
    final List<String> opened = new ArrayList<>();
    int open;

    void add(String tenant, int n) {
      List<Doc> list = new ArrayList<>();
      for (int i = 0; i < n; i++) list.add(new Doc(tenant + "-" + i, Map.of("tenant", String.valueOf(tenant))));
      docs.put(tenant, list);
    }

    @Override
    public WindowReader reader(String tenant, TimeWindow window, Cursor after) {
      List<Doc> all = docs.getOrDefault(tenant, List.of());
      opened.add(tenant + "@" + after.value());
      open++;
      return new WindowReader() {
        int at = after.isStart() ? 0 : Integer.parseInt(after.value());

        @Override
        public Page readPage(int pageSize) {
          int end = Math.min(all.size(), at + pageSize);
          List<Doc> page = all.subList(at, end);
          at = end;
          return new Page(page, new Cursor(String.valueOf(at)), at >= all.size());
        }

        @Override
        public void close() {
          open--;
        }
      };
    }

    @Override public List<TenantSpan> tenants() { throw new UnsupportedOperationException(); }
    @Override public long totalDocs() { throw new UnsupportedOperationException(); }
    @Override public void requireUsableFields() { }
    @Override public Histogram histogram(String t, TimeWindow w, Duration b) { throw new UnsupportedOperationException(); }
    @Override public long count(String t, TimeWindow w) { return docs.getOrDefault(t, List.of()).size(); }
    @Override public Set<String> existingIds(Collection<DocKey> keys) { throw new UnsupportedOperationException(); }
    @Override public void makeVisible() { }
    @Override public void close() { }
  }

  static WorkNode packed(String... tenants) {
    List<SlicePart> parts = new ArrayList<>();
    for (String t : tenants) parts.add(SlicePart.window(t, T0, T0.plusSeconds(60), 1));
    return WorkNode.pendingPacked(parts);
  }

  static List<String> readAll(WindowReader r, int pageSize, List<String> cursors) {
    List<String> ids = new ArrayList<>();
    while (true) {
      Page p = r.readPage(pageSize);
      p.docs().forEach(d -> ids.add(d.id()));
      cursors.add(p.next().value());
      if (p.last()) return ids;
    }
  }

  @Test
  void pagesAreFilledAcrossWindowsAndEveryCursorSaysWhichWindowAndWhereInIt() {
    MemoryStore store = new MemoryStore();
    store.add("a", 2);
    store.add("b", 5);
    store.add("c", 0);
    store.add("d", 3);
    List<String> cursors = new ArrayList<>();
    try (WindowReader r = PackedReader.open(store, packed("a", "b", "c", "d"), Cursor.START)) {
      assertThat(readAll(r, 4, cursors)).containsExactly("a-0", "a-1", "b-0", "b-1", "b-2", "b-3", "b-4", "d-0", "d-1",
          "d-2");
    }
    assertThat(cursors).containsExactly("1:2", "3:1", "4:");
    assertThat(store.open).as("every window's reader closed").isZero();
  }

  @Test
  void aResumedCopyReopensOnlyTheWindowItStoppedInAtItsInnerCursor() {
    MemoryStore store = new MemoryStore();
    store.add("a", 2);
    store.add("b", 5);
    store.add("d", 3);
    List<String> cursors = new ArrayList<>();
    try (WindowReader r = PackedReader.open(store, packed("a", "b", "d"), new Cursor("1:2"))) {
      assertThat(readAll(r, 100, cursors)).containsExactly("b-2", "b-3", "b-4", "d-0", "d-1", "d-2");
    }
    assertThat(store.opened).containsExactly("b@2", "d@");
    assertThat(cursors).containsExactly("3:");
    // a cursor at the end of the last window: nothing left to read
    try (WindowReader r = PackedReader.open(store, packed("a", "b", "d"), new Cursor("3:"))) {
      Page p = r.readPage(10);
      assertThat(p.docs()).isEmpty();
      assertThat(p.last()).isTrue();
    }
  }

  @Test
  void aPlainSlicesCursorIsTheStoresOwnAsBefore() {
    MemoryStore store = new MemoryStore();
    store.add("a", 5);
    List<String> cursors = new ArrayList<>();
    try (WindowReader r = PackedReader.open(store, WorkNode.pending("a", T0, T0.plusSeconds(60), 5), new Cursor("3"))) {
      assertThat(readAll(r, 10, cursors)).containsExactly("a-3", "a-4");
    }
    assertThat(cursors).containsExactly("5");
  }

  @Test
  void aCursorThatIsNotAPackedOneIsRefusedWithWhatItIs() {
    MemoryStore store = new MemoryStore();
    assertThatThrownBy(() -> PackedReader.open(store, packed("a", "b"), new Cursor("export:123:x")))
        .hasMessageContaining("not a packed slice's cursor").hasMessageContaining("export:123:x");
    assertThatThrownBy(() -> PackedReader.open(store, packed("a", "b"), new Cursor("7:")))
        .hasMessageContaining("window 7 of a slice of 2");
    assertThat(PackedCursor.parse(new Cursor("12:export:5:id:with:colons")))
        .isEqualTo(new PackedCursor(12, new Cursor("export:5:id:with:colons")));
    assertThat(new PackedCursor(0, Cursor.START).toCursor().value()).isEqualTo("0:");
  }
}
