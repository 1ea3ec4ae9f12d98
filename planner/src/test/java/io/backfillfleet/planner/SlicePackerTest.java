package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.NodeCodec;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlicePackerTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  /** A tenant of {@code docs} timed documents in one window, plus {@code noTs} without a timestamp. */
  static TenantPlan small(String tenant, long docs, long noTs) {
    List<SliceSpec> slices = new ArrayList<>();
    if (docs > 0) {
      slices.add(new SliceSpec(SliceIds.timeSlice(tenant, 0), tenant, TimeWindow.of(T0, T0.plusSeconds(60)), docs,
          false));
    }
    if (noTs > 0) {
      slices.add(new SliceSpec(SliceIds.noTimestampSlice(tenant), tenant, TimeWindow.withoutTimestamp(), noTs, false));
    }
    return new TenantPlan(new TenantSpan(tenant, docs + noTs, docs > 0 ? T0 : null, docs > 0 ? T0.plusSeconds(59) : null,
        noTs), slices);
  }

  static TenantPlan big(String tenant, int slices, long each) {
    List<SliceSpec> out = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      out.add(new SliceSpec(SliceIds.timeSlice(tenant, i), tenant, TimeWindow.of(T0.plusSeconds(60L * i),
          T0.plusSeconds(60L * (i + 1))), each, false));
    }
    return new TenantPlan(new TenantSpan(tenant, slices * each, T0, T0.plusSeconds(60L * slices - 1), 0), out);
  }

  @Test
  void aMillionTinyTenantsDoNotMakeAMillionSlices() {
    List<TenantPlan> tenants = new ArrayList<>();
    TimeWindow day = TimeWindow.of(T0, T0.plusSeconds(86_400));
    for (int i = 0; i < 1_000_000; i++) { // built by hand: SliceIds' hash per tenant would be most of this test's time
      String t = "tenant-" + i;
      List<SliceSpec> own = new ArrayList<>(List.of(new SliceSpec(t + "-0", t, day, 2 + i % 3, false)));
      if (i % 7 == 0) own.add(new SliceSpec(t + "-nots", t, TimeWindow.withoutTimestamp(), 1, false));
      tenants.add(new TenantPlan(new TenantSpan(t, 0, T0, T0, 0), own));
    }
    Plan plan = SlicePacker.pack(new Plan(tenants, 200_000, 0));
    assertThat(plan.packed().stream().mapToInt(p -> p.tenants().size()).sum()).isEqualTo(1_000_000);
    assertThat(plan.sliceCount()).as("slices for a million tenants").isLessThanOrEqualTo(1_100).isGreaterThanOrEqualTo(1_000);
    assertThat(plan.ownSlices()).isEmpty();
    assertThat(plan.packed()).allSatisfy(p -> assertThat(p.tenants().size()).isLessThanOrEqualTo(SlicePacker.MAX_TENANTS));
    // a tenant's no-timestamp part goes with it, right after its timed part
    PackedSlice first = plan.packed().get(0);
    assertThat(first.parts().get(0).tenant()).isEqualTo("tenant-0");
    assertThat(first.parts().get(1).tenant()).isEqualTo("tenant-0");
    assertThat(first.parts().get(1).window().missingTimestamp()).isTrue();
  }

  @Test
  void packsFillUpToASliceAndLeaveBigTenantsAndLoneSmallOnesAlone() {
    List<TenantPlan> tenants = List.of(big("big", 3, 1000), small("a", 400, 0), small("b", 300, 100),
        small("c", 499, 0), big("hot", 1, 5000), small("d", 500, 0), small("e", 501, 0));
    Plan plan = SlicePacker.pack(new Plan(tenants, 1000, 0));
    // a (400) + b (400) = 800; c (499) would pass 1000: a new pack; c + d = 999; e (501) is more than half a slice
    assertThat(plan.packed()).extracting(PackedSlice::tenants).containsExactly(List.of("a", "b"), List.of("c", "d"));
    assertThat(plan.packed()).extracting(PackedSlice::estimatedDocs).containsExactly(800L, 999L);
    assertThat(plan.ownSlices()).extracting(SliceSpec::tenant).containsExactly("big", "big", "big", "hot", "e");
    assertThat(plan.sliceCount()).isEqualTo(7);
    assertThat(plan.sliceEstimates()).hasSize(7);
    assertThat(plan.plannedDocs()).as("packing moves no document").isEqualTo(3000 + 800 + 999 + 5000 + 501);

    // one small tenant alone gains nothing from a pack
    Plan lone = SlicePacker.pack(new Plan(List.of(big("big", 2, 1000), small("only", 3, 0)), 1000, 0));
    assertThat(lone.packed()).isEmpty();
    assertThat(lone.sliceCount()).isEqualTo(3);
  }

  @Test
  void thePackingIsDeterministicAndItsIdsAreValidNodeNamesUnlikeAnyTenantSliceId() {
    List<TenantPlan> tenants = new ArrayList<>();
    for (int i = 0; i < 2500; i++) tenants.add(small(i == 7 ? null : "t/" + i, 3, 0));
    tenants.add(small("", 2, 0));
    Plan a = SlicePacker.pack(new Plan(tenants, 1_000_000, 0));
    Plan b = SlicePacker.pack(new Plan(tenants, 1_000_000, 0));
    assertThat(a.packed()).isEqualTo(b.packed());
    assertThat(a.planId()).isEqualTo(b.planId());
    assertThat(a.planId()).as("packing is part of the plan id").isNotEqualTo(new Plan(tenants, 1_000_000, 0).planId());
    assertThat(a.packed()).hasSize(3);
    Set<String> ids = new HashSet<>();
    for (PlannedSlice s : PlanPublisher.workNodes(a)) ids.add(s.id()); // PlannedSlice checks the znode name
    assertThat(ids).hasSize(3).allMatch(id -> id.matches("packed\\.[0-9a-f]{8}-0000[0-2]"));
    // a tenant literally named like a packed slice keeps a slice id of another shape
    assertThat(SliceIds.timeSlice("packed", 0)).doesNotMatch("packed\\.[0-9a-f]{8}-\\d{5}");
    assertThat(SliceIds.timeSlice("packed.0a1b2c3d", 0)).doesNotMatch("packed\\.[0-9a-f]{8}-\\d{5}");
  }

  @Test
  void longTenantNamesArePackedByBytesSoAWorkNodeStaysSmall() {
    List<TenantPlan> tenants = new ArrayList<>();
    for (int i = 0; i < 3000; i++) tenants.add(small(String.format("%0200d", i), 2, 1));
    Plan plan = SlicePacker.pack(new Plan(tenants, 1_000_000, 0));
    assertThat(plan.packed()).hasSizeGreaterThan(3); // not 1,000 tenants each: their names are long
    for (PlannedSlice s : PlanPublisher.workNodes(plan)) {
      WorkNode claimed = s.work();
      int bytes = NodeCodec.encode(claimed).length;
      assertThat(bytes).as("encoded work node %s", s.id()).isLessThan(170 * 1024); // far below the 1 MiB packet limit
      assertThat(claimed.packed()).isTrue();
    }
  }

  @Test
  void theWorkNodesOfAPackedSliceCarryEveryWindowAndAddTenantsSeesPackedTenants() {
    Plan plan = SlicePacker.pack(new Plan(List.of(small("a", 3, 1), small(null, 2, 0), big("big", 2, 1000)), 1000, 0));
    List<PlannedSlice> nodes = PlanPublisher.workNodes(plan);
    assertThat(nodes).hasSize(3);
    WorkNode packed = nodes.stream().map(PlannedSlice::work).filter(WorkNode::packed).findFirst().orElseThrow();
    assertThat(packed.estimatedDocs()).isEqualTo(6);
    assertThat(packed.windows()).hasSize(3);
    assertThat(packed.windows().get(1).missingTimestamp()).isTrue();
    assertThat(packed.windows().get(2).tenant()).isNull();
    assertThat(PlanPublisher.tenantsOf(nodes.stream().map(PlannedSlice::work).toList()))
        .containsExactlyInAnyOrder("a", null, "big");
  }

  @Test
  void theReportNamesEachPackedTenantsSliceAndSumsThePacking() {
    Plan plan = SlicePacker.pack(new Plan(List.of(big("big", 2, 1000), small("a", 3, 0), small("b", 4, 0)), 1000, 0));
    PlanReport r = new PlanReport(plan, 1000, 1);
    String id = plan.packed().get(0).id();
    assertThat(r.table()).contains("TOTAL: 3 tenants, 3 slices")
        .contains("PACKED: 2 small tenants (at most half a slice each) share 1 slices")
        .containsPattern("(?m)^a .*packed into " + java.util.regex.Pattern.quote(id) + "$");
    assertThat(r.tenants()).extracting(PlanReport.TenantLine::packedInto).containsExactly(null, id, id);
    assertThat(r.csv().lines()).anySatisfy(l -> assertThat(l).startsWith("a,3,").endsWith("," + id));
    assertThat(r.json()).contains("\"packedInto\" : \"" + id + "\"").contains("\"packedSlices\" : 1");
    assertThat(PlanTimelineHtml.render(plan, "p")).contains("in " + id);
  }

  @Test
  void theCountedSizeOfAPartIsNeverBelowItsEncodedSize() {
    for (String tenant : new String[] {null, "", "acme", "a\"b\\c\u0001", "caf\u00e9 \u6771\u4eac \ud83d\ude00",
        "x".repeat(200)}) {
      for (SliceSpec s : small(tenant, 123_456_789, 5).slices()) {
        long encoded = NodeCodec.encode(SlicePacker.part(s)).length + 1;
        assertThat(SlicePacker.encodedBytes(s)).as("%s", s).isGreaterThanOrEqualTo(encoded)
            .isLessThan(encoded + 100);
      }
    }
  }
}
