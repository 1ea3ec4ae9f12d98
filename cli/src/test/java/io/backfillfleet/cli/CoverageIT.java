package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.testkit.SolrTestCluster;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every document of the source is in exactly one slice: documents without a tenant value and the empty-string tenant
 * are planned, copied and verified; the dry run proves the coverage, and verify reports documents in no slice.
 */
class CoverageIT {
  static final Instant T0 = Instant.parse("2022-05-01T00:00:00Z");

  private static SolrInputDocument doc(String id, String tenant, Instant ts) {
    SolrInputDocument d = new SolrInputDocument();
    d.setField("id", id);
    if (tenant != null) d.setField("tenant", tenant);
    if (ts != null) d.setField("ts", Date.from(ts));
    d.setField("title", "document " + id);
    return d;
  }

  @Test
  void documentsWithoutATenantAndTheEmptyTenantAreCopiedAndVerifyCountsEveryDocument(@TempDir Path dir)
      throws Exception {
    String coll = "coverage-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.legacy().createCollection(coll, 2);
    SolrTestCluster.target().createCollection(coll, 1);
    CloudSolrClient legacy = SolrTestCluster.legacy().client();
    List<SolrInputDocument> seed = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      String tenant = switch (i % 3) {
        case 0 -> "acme";
        case 1 -> ""; // the empty tenant
        default -> null; // no tenant value at all
      };
      seed.add(doc("d" + i, tenant, i % 50 == 0 ? null : T0.plusSeconds(900L * i)));
    }
    legacy.add(coll, seed);
    legacy.commit(coll);

    String job = PlanCommandIT.solrToSolrJob(dir, "coverage", "/coverage-" + UUID.randomUUID(), coll, 100).toString();
    PlanCommandIT.Result dry = PlanCommandIT.run("plan", "--job-file", job, "--dry-run", "--quiet", "--report", "full");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("(no tenant)").contains("\"\" (empty tenant)")
        .contains("COVERAGE: the source has 600 documents, the slices' estimates add up to 600 (200 without a tenant"
            + " value, in slices of their own); every document is in a slice");
    PlanCommandIT.Result apply = PlanCommandIT.run("plan", "--job-file", job, "--apply", "--quiet");
    assertThat(apply.code()).as(apply.err()).isZero();
    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", job, "--worker-id", "w", "--settle-seconds", "0");
    assertThat(work.code()).as(work.err()).isZero();
    CloudSolrClient target = SolrTestCluster.target().client();
    target.commit(coll);
    assertThat(target.query(coll, new org.apache.solr.client.solrj.SolrQuery("*:*").setRows(0)).getResults()
        .getNumFound()).isEqualTo(600);
    PlanCommandIT.Result verify = PlanCommandIT.run("verify", "--job-file", job, "--settle-seconds", "0", "--ids");
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("coverage: the source has 600 documents, 600 in the job's slices")
        .contains("every document is covered");

    // a tenant that appeared after the plan, in the source only: in no slice, and not in the target
    legacy.add(coll, List.of(doc("late-1", "newcomer", T0), doc("late-2", "newcomer", T0.plusSeconds(5))));
    legacy.commit(coll);
    PlanCommandIT.Result gap = PlanCommandIT.run("verify", "--job-file", job, "--settle-seconds", "0");
    assertThat(gap.code()).as(gap.out() + gap.err()).isEqualTo(3);
    assertThat(gap.out()).contains("MISMATCH coverage: the source has 602 documents, 600 in the job's slices")
        .contains("2 source documents are in no slice and not in the target");

    // written to both clusters (as a live dual-write is), documents outside every slice are covered
    target.add(coll, List.of(doc("late-1", "newcomer", T0), doc("late-2", "newcomer", T0.plusSeconds(5))));
    target.commit(coll);
    PlanCommandIT.Result dual = PlanCommandIT.run("verify", "--job-file", job, "--settle-seconds", "0");
    assertThat(dual.code()).as(dual.out() + dual.err()).isZero();
  }
}
