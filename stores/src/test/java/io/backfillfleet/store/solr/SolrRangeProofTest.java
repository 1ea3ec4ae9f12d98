package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.KeyRangeBounds;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.TimeWindow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of Solr's range proof that need no server; PageRangeIT runs the rest on Solr 8 and 9. */
class SolrRangeProofTest {
  private static final TimeWindow W = TimeWindow.of(Instant.EPOCH, Instant.ofEpochSecond(100));

  @Test
  void theNewestVersionOfAnUpdateLogCountsDeletesWhichAreGivenNegative() {
    assertThat(SolrRangeProof.newest(List.of(17L, 30L, 12L))).isEqualTo(30);
    assertThat(SolrRangeProof.newest(List.of(17L, -45L, 12L))).as("a delete stamped 45").isEqualTo(45);
    assertThat(SolrRangeProof.newest(List.of())).as("an empty log: no watermark").isEqualTo(-1);
    assertThat(SolrRangeProof.newest(null)).isEqualTo(-1);
  }

  @Test
  void aCountNamesTheBoundaryIdsAsParametersAndRefusesAnIdHoldingTheSeparator() {
    KeyRangeBounds b = new KeyRangeBounds(1_000, 2_000, List.of("a", "b"), List.of("z"));
    PageRange r = new PageRange("t", W, b.write(), 99, 3, List.of(DocKey.of("c")));
    var q = SolrRangeProof.countQuery(r, b, "ts", "id", "{!term f=tenant}t", "ts:[0 TO 1}");
    assertThat(q.getQuery()).contains("ts:{1970-01-01T00:00:01Z TO 1970-01-01T00:00:02Z}")
        .contains("v=$atFirst").contains("v=$atLast").endsWith("+_version_:[* TO 99]");
    assertThat(q.get("atFirst")).isEqualTo("a" + SolrRangeProof.SEPARATOR + "b");
    assertThat(q.get("atLast")).isEqualTo("z");
    assertThat(q.getRows()).isZero();

    KeyRangeBounds oneTime = new KeyRangeBounds(1_000, 1_000, List.of("a"), List.of());
    assertThat(SolrRangeProof.countQuery(r, oneTime, "ts", "id", "", "").getQuery()).as("one timestamp: no last clause")
        .doesNotContain("atLast");
    KeyRangeBounds odd = new KeyRangeBounds(1_000, 2_000, List.of("a" + SolrRangeProof.SEPARATOR), List.of("z"));
    assertThat(SolrRangeProof.countQuery(r, odd, "ts", "id", "", "")).isNull();
  }
}
