package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SliceRejectionsTest {

  private static List<RejectedDoc> docs(int from, int n) {
    List<RejectedDoc> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) out.add(new RejectedDoc("doc-" + i, "mapper_parsing_exception " + i));
    return out;
  }

  @Test
  void recordingTheSamePageAgainChangesNothing() {
    SliceRejections once = SliceRejections.empty("s1").recorded(1, 3, docs(0, 3));
    SliceRejections twice = once.recorded(1, 3, docs(0, 3));
    assertThat(twice).isEqualTo(once);
    assertThat(twice.count()).isEqualTo(3);
    assertThat(twice.sample()).extracting(RejectedDoc::id).containsExactly("doc-0", "doc-1", "doc-2");
  }

  @Test
  void aTakeoverRecountsFromItsCheckpointAndKeepsEachIdOnce() {
    // holder 1 recorded pages 1 and 2 (2 + 2 rejected), then crashed; holder 2 resumes from the checkpoint after
    // page 1 (2 rejected) and copies page 2 again: the count is its own running count, not a sum
    SliceRejections byFirst = SliceRejections.empty("s1").recorded(1, 2, docs(0, 2)).recorded(1, 4, docs(2, 2));
    SliceRejections bySecond = byFirst.recorded(2, 4, docs(2, 2));
    assertThat(bySecond.count()).isEqualTo(4);
    assertThat(bySecond.sample()).hasSize(4);
    assertThat(bySecond.epoch()).isEqualTo(2);
  }

  @Test
  void aFencedHolderOfAnOlderEpochChangesNothing() {
    SliceRejections now = SliceRejections.empty("s1").recorded(3, 1, docs(0, 1));
    assertThat(now.recorded(2, 50, docs(1, 49))).isEqualTo(now);
  }

  @Test
  void theSampleStopsAtItsSizeAndTheCountGoesOn() {
    SliceRejections r = SliceRejections.empty("s1");
    for (int page = 0; page < 50; page++) r = r.recorded(1, (page + 1) * 200L, docs(page * 200, 200));
    assertThat(r.count()).isEqualTo(10_000);
    assertThat(r.sample()).hasSize(SliceRejections.SAMPLE_SIZE);
    assertThat(r.sample().get(0).id()).isEqualTo("doc-0");
  }

  @Test
  void theNodeStaysFarBelowZooKeepersOneMebibyteWhateverTheIdsAndReasons() {
    // the worst case for its size: long ids and reasons of characters JSON escapes as six bytes each
    String nasty = "\u0001".repeat(100_000);
    List<RejectedDoc> worst = new ArrayList<>();
    for (int i = 0; i < 500; i++) worst.add(new RejectedDoc(i + nasty, nasty));
    SliceRejections r = SliceRejections.empty("s".repeat(200)).recorded(Long.MAX_VALUE, Long.MAX_VALUE, worst);
    assertThat(r.sample()).hasSize(SliceRejections.SAMPLE_SIZE);
    assertThat(NodeCodec.encode(r).length).isLessThan(512 * 1024);
  }

  @Test
  void aBatchNodeOfTheOldLayoutIsCountedAndSampled() {
    byte[] old = "{\"schema\":1,\"sliceId\":\"s1\",\"docs\":[{\"id\":\"a\",\"reason\":\"r\"},{\"id\":\"b\",\"reason\":\"r\"}]}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    SliceRejections batch = NodeCodec.decode("/x", old, SliceRejections.class);
    SliceRejections folded = SliceRejections.empty("s1").withLegacyBatch(batch).withLegacyBatch(batch);
    assertThat(folded.count()).isEqualTo(4); // the old layout kept no count: each batch as recorded
    assertThat(folded.sample()).extracting(RejectedDoc::id).containsExactly("a", "b");
  }
}
