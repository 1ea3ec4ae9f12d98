package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a split makes of a work node: the part the holder keeps, the successor, their lineage and ids. */
class SplitWorkNodeTest {
  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant CUT = Instant.parse("2024-01-10T00:00:00.250Z");
  private static final Instant TO = Instant.parse("2024-02-01T00:00:00Z");

  @Test
  void aPlainSliceKeepsItsWindowBeforeTheCutAndItsPositionAndTheSuccessorStartsAtTheCut() {
    WorkNode held = WorkNode.pending("acme", FROM, TO, 1000).claimedBy("w1", 3, FROM)
        .checkpointed(new CursorCheckpoint("c7", new CopyProgress(70, 70, 0, 0, 0)), FROM);
    WorkNode kept = held.keptBefore("acme-0", SplitPoint.at(CUT), 400, TO);
    assertThat(kept.from()).isEqualTo(FROM);
    assertThat(kept.to()).isEqualTo(CUT);
    assertThat(kept.cursor()).isEqualTo("c7");
    assertThat(kept.epoch()).isEqualTo(3);
    assertThat(kept.owner()).isEqualTo("w1");
    assertThat(kept.docsRead()).isEqualTo(70);
    assertThat(kept.estimatedDocs()).isEqualTo(400);
    assertThat(kept.lineage()).isEqualTo(new SliceLineage("acme-0", null, 1));

    WorkNode successor = held.successorFrom("acme-0", SplitPoint.at(CUT), 600);
    assertThat(successor.state()).isEqualTo(SliceState.PENDING);
    assertThat(successor.tenant()).isEqualTo("acme");
    assertThat(successor.from()).isEqualTo(CUT);
    assertThat(successor.to()).isEqualTo(TO);
    assertThat(successor.epoch()).isZero();
    assertThat(successor.owner()).isNull();
    assertThat(successor.cursor()).isNull();
    assertThat(successor.docsRead()).isZero();
    assertThat(successor.schema()).as("readable by versions that know no packed slices").isEqualTo(WorkNode.PLAIN_SCHEMA);
    assertThat(successor.lineage()).isEqualTo(new SliceLineage("acme-0", "acme-0", 0));

    // the kept part splits again: its count grows, its origin stays; a reset keeps the narrowed window and lineage
    WorkNode again = kept.keptBefore("acme-0", SplitPoint.at(CUT.minusSeconds(86_400)), 200, TO);
    assertThat(again.lineage()).isEqualTo(new SliceLineage("acme-0", null, 2));
    WorkNode reset = again.restarted(4, TO);
    assertThat(reset.to()).isEqualTo(CUT.minusSeconds(86_400));
    assertThat(reset.cursor()).isNull();
    assertThat(reset.lineage()).isEqualTo(again.lineage());
    assertThat(NodeCodec.decode("/x", NodeCodec.encode(again), WorkNode.class)).isEqualTo(again);
  }

  @Test
  void aSliceNeverSplitHasNoLineageOnTheWire() {
    String json = new String(NodeCodec.encode(WorkNode.pending("acme", FROM, TO, 5)), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("lineage");
  }

  @Test
  void aCutMustLeaveBothSidesSomething() {
    WorkNode plain = WorkNode.pending("acme", FROM, TO, 10);
    assertThatThrownBy(() -> plain.requireSplittableAt(SplitPoint.at(FROM))).hasMessageContaining("strictly inside");
    assertThatThrownBy(() -> plain.requireSplittableAt(SplitPoint.at(TO))).hasMessageContaining("strictly inside");
    assertThatThrownBy(() -> plain.requireSplittableAt(SplitPoint.within(1, CUT))).hasMessageContaining("past");
    assertThatThrownBy(() -> plain.requireSplittableAt(SplitPoint.beforePart(0))).hasMessageContaining("packed");
    assertThatThrownBy(() -> WorkNode.pendingWithoutTimestamp("acme", 10).requireSplittableAt(SplitPoint.at(CUT)))
        .hasMessageContaining("strictly inside");
    assertThatThrownBy(() -> SplitPoint.at(CUT.plusNanos(1))).hasMessageContaining("whole millisecond");
    WorkNode packed = WorkNode.pendingPacked(List.of(SlicePart.window("a", FROM, TO, 1), SlicePart.window("b", FROM, TO, 1)));
    assertThatThrownBy(() -> packed.requireSplittableAt(SplitPoint.beforePart(0))).hasMessageContaining("packed");
    packed.requireSplittableAt(SplitPoint.beforePart(1));
  }

  @Test
  void aPackedSliceSplitsBeforeAPartOrInsideOne() {
    WorkNode packed = WorkNode.pendingPacked(List.of(SlicePart.window("a", FROM, TO, 10),
        SlicePart.withoutTimestamp("a", 2), SlicePart.window("b", FROM, TO, 20), SlicePart.window("c", FROM, TO, 30)));
    WorkNode kept = packed.keptBefore("packed.x-1", SplitPoint.beforePart(2), 12, TO);
    assertThat(kept.windows()).extracting(SlicePart::tenant).containsExactly("a", "a");
    WorkNode successor = packed.successorFrom("packed.x-1", SplitPoint.beforePart(2), 50);
    assertThat(successor.windows()).extracting(SlicePart::tenant).containsExactly("b", "c");
    assertThat(successor.estimatedDocs()).isEqualTo(50);

    WorkNode keptInside = packed.keptBefore("packed.x-1", SplitPoint.within(2, CUT), 20, TO);
    assertThat(keptInside.windows()).extracting(SlicePart::tenant).containsExactly("a", "a", "b");
    assertThat(keptInside.windows().get(2).to()).isEqualTo(CUT);
    WorkNode rest = packed.successorFrom("packed.x-1", SplitPoint.within(2, CUT), 40);
    assertThat(rest.windows()).extracting(SlicePart::tenant).containsExactly("b", "c");
    assertThat(rest.windows().get(0).from()).isEqualTo(CUT);
    assertThat(rest.windows().get(0).to()).isEqualTo(TO);
  }

  @Test
  void successorIdsAreDeterministicDistinctPerCutAndDoNotGrowWithGenerations() {
    String first = SplitIds.successor("acme-0", null, SplitPoint.at(CUT));
    assertThat(first).isEqualTo(SplitIds.successor("acme-0", null, SplitPoint.at(CUT)))
        .isNotEqualTo(SplitIds.successor("acme-0", null, SplitPoint.at(CUT.plusMillis(1))))
        .matches("acme-0\\.s[0-9a-f]{12}");
    String second = SplitIds.successor(first, new SliceLineage("acme-0", "acme-0", 0), SplitPoint.at(CUT.plusSeconds(9)));
    assertThat(second).startsWith("acme-0.s").hasSameSizeAs(first).isNotEqualTo(first);
    JobLayout.requireValidName("slice id", SplitIds.successor("x".repeat(200), null, SplitPoint.at(CUT)));
  }
}
