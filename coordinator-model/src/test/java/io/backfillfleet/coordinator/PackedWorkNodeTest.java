package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedWorkNodeTest {
  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2024-02-01T00:00:00.123Z");

  @Test
  void aPackedNodeRoundTripsAndEveryChangeKeepsItsParts() {
    WorkNode w = WorkNode.pendingPacked(List.of(SlicePart.window("a", FROM, TO, 3),
        SlicePart.withoutTimestamp("a", 1), SlicePart.window(null, FROM, TO, 2), SlicePart.window("", FROM, TO, 4)));
    assertThat(w.estimatedDocs()).isEqualTo(10);
    assertThat(w.schema()).isEqualTo(WorkNode.PACKED_SCHEMA);
    WorkNode changed = w.claimedBy("worker-1", 2, FROM)
        .checkpointed(new CursorCheckpoint("1:abc", new CopyProgress(4, 4, 0, 0, 0)), TO)
        .inState(SliceState.DONE, 1, null, TO)
        .verified(new SliceVerification(10, 10, 0, 0, true, TO))
        .releasedByOperator(TO)
        .restarted(5, TO);
    assertThat(changed.parts()).isEqualTo(w.parts());
    WorkNode back = NodeCodec.decode("/x", NodeCodec.encode(changed), WorkNode.class);
    assertThat(back).isEqualTo(changed);
    assertThat(back.windows()).extracting(SlicePart::tenant).containsExactly("a", "a", null, "");
    assertThat(back.windows().get(1).missingTimestamp()).isTrue();
    assertThat(back.missingTenant()).as("a packed slice is not the no-tenant slice").isFalse();
    assertThat(back.packed()).isTrue();
  }

  @Test
  void aPlainNodeIsUnchangedOnTheWireAndIsItsOnlyWindow() {
    WorkNode w = WorkNode.pending("acme", FROM, TO, 12);
    String json = new String(NodeCodec.encode(w), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("parts").contains("\"schema\":1");
    assertThat(w.packed()).isFalse();
    assertThat(w.windows()).containsExactly(SlicePart.window("acme", FROM, TO, 12));
    assertThat(WorkNode.pendingWithoutTimestamp(null, 5).windows())
        .containsExactly(SlicePart.withoutTimestamp(null, 5));
  }

  @Test
  void aPartWithoutItsWindowOrAPackedNodeWithAWindowOfItsOwnIsRefused() {
    String noTo = "{\"schema\":2,\"tenant\":null,\"state\":\"PENDING\",\"epoch\":0,\"parts\":[{\"tenant\":\"a\","
        + "\"from\":\"2024-01-01T00:00:00Z\",\"estimatedDocs\":1}]}";
    assertThatThrownBy(() -> NodeCodec.decode("/s/p", noTo.getBytes(StandardCharsets.UTF_8), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("/s/p").hasMessageContaining("'to'");
    String both = "{\"schema\":2,\"tenant\":\"x\",\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\","
        + "\"state\":\"PENDING\",\"epoch\":0,\"parts\":[{\"tenant\":\"a\",\"missingTimestamp\":true,\"estimatedDocs\":1}]}";
    assertThatThrownBy(() -> NodeCodec.decode("/s/q", both.getBytes(StandardCharsets.UTF_8), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("in 'parts' only");
    String empty = "{\"schema\":2,\"tenant\":null,\"state\":\"PENDING\",\"epoch\":0,\"parts\":[]}";
    assertThatThrownBy(() -> NodeCodec.decode("/s/r", empty.getBytes(StandardCharsets.UTF_8), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("at least one part");
  }

  @Test
  void aThousandPartsOfLongTenantNamesStayFarBelowZooKeepersPacketLimit() {
    List<SlicePart> parts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) parts.add(SlicePart.window(String.format("%060d", i), FROM, TO, 3));
    WorkNode w = WorkNode.pendingPacked(parts).claimedBy("worker-with-a-long-name-0123456789", 3, TO)
        .checkpointed(new CursorCheckpoint("999:" + "c".repeat(300), new CopyProgress(1, 1, 0, 0, 0)), TO);
    int size = NodeCodec.encode(w).length;
    assertThat(size).as("bytes of a packed node of 1,000 parts").isLessThan(200 * 1024); // the planner caps longer names by bytes
  }
}
