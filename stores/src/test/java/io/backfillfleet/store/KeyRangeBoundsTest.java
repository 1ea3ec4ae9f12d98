package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Joining consecutive pages' key ranges: the outer timestamps keep their ids, inner ones are covered whole. */
class KeyRangeBoundsTest {
  private static final TimeWindow W = TimeWindow.of(Instant.EPOCH, Instant.ofEpochSecond(100));

  @Test
  void pagesAcrossATieJoinWithTheOuterIdsOnly() {
    KeyRangeBounds a = new KeyRangeBounds(10, 20, List.of("a", "b"), List.of("x"));
    KeyRangeBounds b = new KeyRangeBounds(20, 30, List.of("y", "z"), List.of("q"));
    assertThat(a.joinedWith(b)).isEqualTo(new KeyRangeBounds(10, 30, List.of("a", "b"), List.of("q")));
  }

  @Test
  void pagesWithinOneMillisecondKeepEveryId() {
    KeyRangeBounds a = new KeyRangeBounds(10, 10, List.of("a", "b"), List.of());
    KeyRangeBounds b = new KeyRangeBounds(10, 10, List.of("c"), List.of());
    assertThat(a.joinedWith(b)).isEqualTo(new KeyRangeBounds(10, 10, List.of("a", "b", "c"), List.of()));
    // a page inside one millisecond, then one that leaves it: the first millisecond holds both pages' ids there
    KeyRangeBounds c = new KeyRangeBounds(10, 12, List.of("d"), List.of("e"));
    assertThat(a.joinedWith(c)).isEqualTo(new KeyRangeBounds(10, 12, List.of("a", "b", "d"), List.of("e")));
    // a page that ends in a millisecond the next one stays in: the last millisecond holds both pages' ids there
    KeyRangeBounds d = new KeyRangeBounds(5, 10, List.of("v"), List.of("w"));
    assertThat(d.joinedWith(a)).isEqualTo(new KeyRangeBounds(5, 10, List.of("v"), List.of("w", "a", "b")));
  }

  @Test
  void rangesOutOfOrderOrOfAnotherWatermarkOrWindowAreNotJoined() throws Exception {
    KeyRangeBounds a = new KeyRangeBounds(10, 20, List.of("a"), List.of("b"));
    assertThat(new KeyRangeBounds(30, 40, List.of("c"), List.of("d")).joinedWith(a)).isNull();
    PageRange one = range("t", W, a, 7, 2);
    PageRange two = range("t", W, new KeyRangeBounds(20, 30, List.of("c"), List.of("d")), 7, 2);
    PageRange otherMark = range("t", W, new KeyRangeBounds(30, 40, List.of("e"), List.of("f")), 8, 2);
    PageRange otherWindow = range("t", TimeWindow.of(Instant.ofEpochSecond(100), Instant.ofEpochSecond(200)),
        new KeyRangeBounds(100_000, 100_001, List.of("g"), List.of("h")), 8, 2);
    List<PageRange> joined = KeyRangeBounds.joinConsecutive(List.of(one, two, otherMark, otherWindow), "test");
    assertThat(joined).hasSize(3);
    assertThat(joined.get(0).unchanged()).isEqualTo(4);
    assertThat(joined.get(0).changed()).containsExactly(DocKey.of("a-changed"), DocKey.of("c-changed"));
    assertThat(KeyRangeBounds.parse(joined.get(0).bounds())).isEqualTo(new KeyRangeBounds(10, 30, List.of("a"),
        List.of("d")));
    assertThat(joined.subList(1, 3)).containsExactly(otherMark, otherWindow);
  }

  @Test
  void aBoundaryWithTooManyIdsIsNotJoined() {
    List<Object> many = java.util.stream.IntStream.range(0, KeyRangeBounds.MOST_IDS_AT_A_BOUNDARY)
        .mapToObj(i -> (Object) ("id" + i)).toList();
    KeyRangeBounds a = new KeyRangeBounds(10, 10, many, List.of());
    assertThat(a.joinedWith(new KeyRangeBounds(10, 10, List.of("more"), List.of()))).isNull();
  }

  private static PageRange range(String tenant, TimeWindow w, KeyRangeBounds b, long mark, long unchanged) {
    return new PageRange(tenant, w, b.write(), mark, unchanged,
        List.of(DocKey.of(b.atFirst().get(0) + "-changed")));
  }
}
