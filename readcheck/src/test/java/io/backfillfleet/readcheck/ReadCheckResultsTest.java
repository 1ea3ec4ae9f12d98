package io.backfillfleet.readcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadCheckResultsTest {
  private static final QueryPair PAIR = QueryPair.same(ReadRequest.get("/solr/c/select", java.util.Map.of("q", "*:*")));

  private static Outcome outcome(Instant at, long legacyMs, long newMs, boolean mismatch) {
    Answer a = new Answer(200, new byte[0], legacyMs * 1_000_000, null);
    Answer b = new Answer(200, new byte[0], newMs * 1_000_000, null);
    return new Outcome(PAIR, "shape", a, b, a.nanos(), b.nanos(),
        mismatch ? List.of(new Difference(Difference.Kind.HITS, "legacy 1 hits, new 0")) : List.of(), false, at);
  }

  @Test
  void latencyRatioAndMismatchRatioDecideTheGate() {
    ReadCheckResults r = new ReadCheckResults("http://legacy:1", "http://new:2");
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = 0; i < 99; i++) r.record(outcome(t.plusMillis(i * 10), 10, 30, false));
    r.record(outcome(t.plusSeconds(1), 10, 30, true));
    ReadCheckReport strict = r.report(new ReadinessGate(0, 1.2), List.of(), 5);
    assertThat(strict.requests()).isEqualTo(100);
    assertThat(strict.mismatchRatio()).isEqualTo(0.01);
    assertThat(strict.latencyRatio()).isBetween(2.9, 3.1);
    assertThat(strict.gate().ready()).isFalse();
    assertThat(strict.gate().reasons()).hasSize(2);
    assertThat(strict.shapes().get(0).verdict()).isEqualTo("differs, slower");
    assertThat(strict.worst()).hasSize(1);
    assertThat(strict.worst().get(0).legacyCurl()).isEqualTo("curl -sS 'http://legacy:1/solr/c/select?q=*%3A*'");
    ReadCheckReport lenient = r.report(new ReadinessGate(0.02, 4), List.of(), 5);
    assertThat(lenient.gate().ready()).isTrue();
    assertThat(lenient.shapes().get(0).verdict()).isEqualTo("same");
  }

  @Test
  void nothingComparedIsNotReady() {
    ReadCheckReport r = new ReadCheckResults("a", "b").report(new ReadinessGate(1, 100), List.of(), 0);
    assertThat(r.gate().ready()).isFalse();
    assertThat(r.gate().reasons()).containsExactly("no reads were compared");
    assertThatThrownBy(() -> new ReadinessGate(2, 1)).hasMessageContaining("--max-mismatch-ratio");
  }

  @Test
  void theTimelineStaysBoundedOverDays() {
    Timeline t = new Timeline();
    long start = 1_000_000L;
    for (long s = 0; s < 3 * 86_400; s += 7) t.record(start + s * 1000, s % 700 == 0);
    List<ReadCheckReport.TimePoint> points = t.points();
    assertThat(points.size()).isLessThanOrEqualTo(Timeline.MAX_BUCKETS);
    assertThat(points.stream().mapToLong(ReadCheckReport.TimePoint::requests).sum()).isEqualTo((3 * 86_400 + 6) / 7);
    assertThat(points.get(0).widthSeconds()).isGreaterThanOrEqualTo(3 * 86_400.0 / Timeline.MAX_BUCKETS);
  }
}
