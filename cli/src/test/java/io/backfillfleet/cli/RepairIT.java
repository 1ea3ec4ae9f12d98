package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.testkit.SolrTestCluster;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's last step before cut-over: verify finds documents missing in the target and extra in it, repair
 * copies the missing ones and (with --delete-extra) deletes the extra ones, and verify --again is clean.
 */
class RepairIT {
  static final Instant T0 = Instant.parse("2022-03-01T00:00:00Z");

  @Test
  void repairCopiesWhatIsMissingDeletesWhatIsExtraAndVerifyIsCleanAgain(@TempDir Path dir) throws Exception {
    String coll = "repair-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster legacy = SolrTestCluster.legacy();
    SolrTestCluster target = SolrTestCluster.target();
    legacy.createCollection(coll, 1);
    target.createCollection(coll, 1);
    CloudSolrClient legacyClient = legacy.client();
    CloudSolrClient targetClient = target.client();
    List<SolrInputDocument> seed = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      seed.add(LiveTrafficIT.doc("acme-" + i, "acme", T0.plusSeconds(600L * i), "history"));
    }
    legacyClient.add(coll, seed);
    legacyClient.commit(coll);

    String job = PlanCommandIT.solrToSolrJob(dir, "fix", "/repair-" + UUID.randomUUID(), coll, 200).toString();
    assertThat(PlanCommandIT.run("plan", "--job-file", job, "--apply", "--quiet").code()).isZero();
    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", job, "--worker-id", "w", "--settle-seconds", "0");
    assertThat(work.code()).as(work.err()).isZero();

    // the target drifts: two documents go missing, and two the source never had appear, one of them in the same
    // slice as a missing one (equal counts there: only the id comparison sees it)
    targetClient.deleteById(coll, List.of("acme-10", "acme-500"));
    targetClient.add(coll, List.of(LiveTrafficIT.doc("stray-1", "acme", T0.plusSeconds(30), "stray"),
        LiveTrafficIT.doc("stray-2", "acme", T0.plusSeconds(600L * 400 + 5), "stray")));
    targetClient.commit(coll);

    PlanCommandIT.Result counted = PlanCommandIT.run("verify", "--job-file", job, "--settle-seconds", "0");
    assertThat(counted.code()).as(counted.out() + counted.err()).isEqualTo(3);
    assertThat(counted.out()).contains("verified 3 slices: 1 equal, 2 mismatched");
    PlanCommandIT.Result verify = PlanCommandIT.run("verify", "--job-file", job, "--again", "--settle-seconds", "0", "--ids");
    assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(3);
    assertThat(verify.out()).contains("verified 3 slices: 0 equal, 3 mismatched");
    assertThat(verify.out()).contains("missing in target: acme-10").contains("missing in target: acme-500")
        .contains("extra in target:   stray-1").contains("extra in target:   stray-2");

    PlanCommandIT.Result repair = PlanCommandIT.run("repair", "--job-file", job, "--delete-extra", "--settle-seconds", "1");
    assertThat(repair.code()).as(repair.out() + repair.err()).isZero();
    assertThat(repair.out()).contains("2 documents created, 2 deleted");

    PlanCommandIT.Result again = PlanCommandIT.run("verify", "--job-file", job, "--again", "--ids", "--settle-seconds", "0");
    assertThat(again.code()).as(again.out() + again.err()).isZero();
    assertThat(targetClient.getById(coll, List.of("acme-10", "acme-500"))).hasSize(2);
    assertThat(targetClient.getById(coll, List.of("stray-1", "stray-2"))).isEmpty();
  }
}
