package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SlicePart;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Small tenants planned on real Elasticsearch, published packed to real ZooKeeper, and more added later. */
class PackedPlanIT {

  static List<Doc> tenants(int from, int to) {
    List<Doc> docs = new ArrayList<>();
    for (int t = from; t < to; t++) {
      for (int j = 0; j <= t % 2; j++) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", "p" + t + "-" + j);
        f.put("tenant", "tiny-" + t);
        f.put("ts", PlannerIT.T0.plusSeconds(3600L * t + j).toString());
        docs.add(new Doc("p" + t + "-" + j, f));
      }
    }
    return docs;
  }

  @Test
  void smallTenantsArePublishedPackedAndAddTenantsAddsOnlyTheNewOnesPackedAmongThemselves() throws Exception {
    StoreConfig cfg = PlannerIT.collection("elasticsearch", "packed-" + UUID.randomUUID().toString().substring(0, 8));
    ZkSettings zk = ZkSettings.of(ZooKeeperServers.shared().getConnectString(), "/packed-" + UUID.randomUUID());
    try (SearchStore source = Stores.open("source", cfg);
         CoordinatorConnection conn = new CoordinatorConnection(zk).start()) {
      assertThat(source.createIfAbsent(tenants(0, 40)).rejected()).isEmpty();
      source.makeVisible();
      Plan plan = new Planner(source, 1000).plan(TenantSelection.ALL, (a, b) -> { });
      assertThat(plan.packed()).hasSize(1);
      PlanPublisher publisher = new PlanPublisher(conn, Clock.systemUTC());
      publisher.publish("tiny", plan, null, null, null, 3);
      JobStatus status = new JobStatusReader(conn).read("tiny");
      assertThat(status.corruptSlices()).isEmpty();
      assertThat(status.slices()).containsOnlyKeys(plan.packed().get(0).id());
      WorkNode packed = status.slices().get(plan.packed().get(0).id());
      assertThat(packed.windows()).extracting(SlicePart::tenant).hasSize(40).doesNotHaveDuplicates()
          .allMatch(t -> t.startsWith("tiny-"));
      assertThat(packed.estimatedDocs()).isEqualTo(60);
      assertThat(status.spec().planId()).isEqualTo(plan.planId());

      // twenty tenants appear after the plan: add-tenants must see the forty inside the packed slice as present
      assertThat(source.createIfAbsent(tenants(40, 60)).rejected()).isEmpty();
      source.makeVisible();
      Plan again = new Planner(source, 1000).plan(TenantSelection.ALL, (a, b) -> { });
      int added = publisher.addTenants("tiny", again, PlanPublisher.tenantsOf(status.slices().values()));
      assertThat(added).as("one packed slice of the twenty new tenants").isEqualTo(1);
      JobStatus after = new JobStatusReader(conn).read("tiny");
      assertThat(after.slices()).hasSize(2);
      List<String> tenants = after.slices().values().stream().flatMap(w -> w.windows().stream())
          .map(SlicePart::tenant).toList();
      assertThat(tenants).hasSize(60).doesNotHaveDuplicates();
      assertThat(publisher.addTenants("tiny", again, PlanPublisher.tenantsOf(after.slices().values())))
          .as("nothing new the second time").isZero();
    }
  }
}
