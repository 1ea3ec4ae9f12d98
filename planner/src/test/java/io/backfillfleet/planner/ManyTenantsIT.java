package io.backfillfleet.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.Stores;
import io.backfillfleet.testkit.SolrTestCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.Test;

/** Planning 2,000 tenants against real Solr: queries grow with tenants plus refinements, not with documents. */
class ManyTenantsIT {

  @Test
  void plansTwoThousandTenants() throws Exception {
    String coll = "many-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster solr = SolrTestCluster.legacy();
    solr.createCollection(coll, 2);
    Random r = new Random(1);
    Instant t0 = Instant.parse("2023-01-01T00:00:00Z");
    List<SolrInputDocument> batch = new ArrayList<>();
    int total = 0;
    for (int t = 0; t < 2000; t++) {
      int n = 1 + (int) (400 / Math.pow(t + 1, 0.6)); // skewed: 400 documents down to a handful
      for (int i = 0; i < n; i++) {
        SolrInputDocument d = new SolrInputDocument();
        d.setField("id", "t" + t + "-" + i);
        d.setField("tenant", "tenant-" + t);
        d.setField("ts", Date.from(t0.plusSeconds(r.nextInt(365 * 86_400))));
        batch.add(d);
        total++;
      }
      if (batch.size() > 5000) {
        solr.client().add(coll, batch);
        batch.clear();
      }
    }
    solr.client().add(coll, batch);
    solr.client().commit(coll);

    try (SearchStore source = Stores.open("source", StoreConfig.solrCloud(solr.zkHost() + "/solr", coll))) {
      long t = System.nanoTime();
      Plan plan = new Planner(source, 100).plan(TenantSelection.ALL, (a, b) -> { });
      long ms = (System.nanoTime() - t) / 1_000_000;
      System.out.printf("MANY TENANTS: %d tenants, %d docs, %d slices, %d queries, %d ms%n", plan.tenants().size(),
          plan.totalDocs(), plan.slices().size(), plan.queries(), ms);
      assertThat(plan.tenants()).hasSize(2000);
      assertThat(plan.totalDocs()).isEqualTo(total);
      assertThat(plan.slices().stream().mapToLong(SliceSpec::estimatedDocs).sum()).isEqualTo(total);
      // the field check, the listing and the total; no query for a tenant that fits in one slice; the daily
      // histograms of the others (Elasticsearch: in a batch; Solr: one query each, reading only their documents), and
      // one finer histogram per refined bucket
      List<TenantPlan> measured = plan.tenants().stream().filter(p -> p.span().docs() > 100).toList();
      assertThat(measured).isNotEmpty().hasSizeLessThan(50);
      long measuredSlices = measured.stream().mapToLong(p -> p.slices().size()).sum();
      assertThat(plan.queries()).isGreaterThan(3).isLessThan(3 + 1 + measuredSlices * 8L);
    }
  }
}
