package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.SolrTestCluster;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.common.SolrDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch 8 to Solr 9 through the real jar's commands: values valid in Elasticsearch that Solr would refuse
 * are converted where that is exact, what cannot be converted is rejected naming field, value and type, values Solr
 * cannot hold as they were are written and reported, and the job file's set / copy / convert apply.
 */
class CrossEngineValuesIT {
  @TempDir Path dir;

  private static String es(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ElasticsearchNode.es8().httpUrl() + "/" + path))
        .header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    assertThat(r.body()).doesNotContain("\"errors\":true");
    return r.body();
  }

  @Test
  void elasticsearchValuesSolrWouldRefuseAreConvertedOrRejectedOrReportedAndTheMappingApplies() throws Exception {
    String index = "values-" + UUID.randomUUID().toString().substring(0, 8);
    es("PUT", index, """
        {"mappings":{"properties":{"id":{"type":"keyword"},"tenant":{"type":"keyword"},"ts":{"type":"date"},
         "n":{"type":"integer"},"tags":{"type":"keyword"},"empty_ss":{"type":"keyword"},"ok_b":{"type":"boolean"},
         "seen_dt":{"type":"date"},"when_dt":{"type":"date","format":"epoch_second"}}}}""");
    // d1: epoch millis, a number as a string, a null in a list, an empty list, a boolean as a string, a date alone;
    // d2: 2.5 in an integer field (Elasticsearch keeps it in _source), which a Solr int field cannot take exactly
    es("POST", index + "/_bulk?refresh=true", """
        {"index":{"_id":"d1"}}
        {"id":"d1","tenant":"acme","ts":1748735841000,"n":"42","tags":["a",null,"b"],"empty_ss":[],"ok_b":"true","seen_dt":"2025-06-01","when_dt":1748735841}
        {"index":{"_id":"d2"}}
        {"id":"d2","tenant":"acme","ts":"2025-06-01T10:00:00+02:00","n":2.5}
        {"index":{"_id":"d3"}}
        {"id":"d3","tenant":"acme","ts":"2025-06-02T00:00:00Z","n":7,"tags":["c"]}
        """);
    String coll = "values-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.target().createCollection(coll, 1);
    Path job = dir.resolve("values.yaml");
    Files.writeString(job, """
        job: values
        zookeeper: {connect: "%s", root: "/values-%s"}
        source: {engine: elasticsearch, endpoints: ["%s"], collection: %s}
        target: {engine: solr, zkHost: "%s/solr", collection: %s}
        plan: {docsPerSlice: 100}
        fieldMapping:
          set: {origin: backfill}
          copy: {tenant: tenant_s}
          convert: {when_dt: date_from_epoch_seconds}
        """.formatted(ZooKeeperServers.shared().getConnectString(), UUID.randomUUID(),
        ElasticsearchNode.es8().httpUrl(), index, SolrTestCluster.target().zkHost(), coll));
    PlanCommandIT.Result apply = PlanCommandIT.run("plan", "--job-file", job.toString(), "--apply", "--quiet");
    assertThat(apply.code()).as(apply.err()).isZero();
    PlanCommandIT.Result work = PlanCommandIT.run("work", "--job-file", job.toString(), "--worker-id", "w",
        "--settle-seconds", "0");
    assertThat(work.code()).as(work.err()).isZero();

    SolrTestCluster.target().client().commit(coll);
    List<SolrDocument> docs = SolrTestCluster.target().client().query(coll, new SolrQuery("*:*").addSort("id",
        SolrQuery.ORDER.asc)).getResults();
    assertThat(docs).extracting(d -> d.getFieldValue("id")).containsExactly("d1", "d3");
    SolrDocument d1 = docs.get(0);
    assertThat(((Date) d1.getFieldValue("ts")).toInstant()).hasToString("2025-05-31T23:57:21Z");
    assertThat(d1.getFieldValue("n")).isEqualTo(42);
    assertThat(d1.getFieldValues("tags")).containsExactly("a", "b");
    assertThat(d1.getFieldValue("empty_ss")).isNull();
    assertThat(d1.getFieldValue("ok_b")).isEqualTo(true);
    assertThat(((Date) d1.getFieldValue("seen_dt")).toInstant()).hasToString("2025-06-01T00:00:00Z");
    assertThat(((Date) d1.getFieldValue("when_dt")).toInstant()).hasToString("2025-05-31T23:57:21Z");
    assertThat(d1.getFieldValue("origin")).isEqualTo("backfill");
    assertThat(d1.getFieldValue("tenant_s")).isEqualTo("acme");

    PlanCommandIT.Result rejected = PlanCommandIT.run("rejected", "--job-file", job.toString());
    assertThat(rejected.code()).as(rejected.err()).isZero();
    assertThat(rejected.out()).contains("d2").contains("field 'n' needs a whole number; got 2.5")
        .contains("1 rejected document(s) in job values")
        .contains("1 written with changed values").containsPattern("d1 +field 'tags': 1 null left out of a list of 3;"
            + " field 'empty_ss': an empty list is not stored")
        .contains("1 document(s) written with changed values in job values");
    PlanCommandIT.Result status = PlanCommandIT.run("status", "--job-file", job.toString());
    assertThat(status.out()).as(status.err()).contains("2 created").contains("1 rejected")
        .contains("changed values: 1 documents written without values the target cannot hold");

    // the same documents with lossyValues: reject: d1 is not written, and listed with what would have changed
    String strict = "strict-" + UUID.randomUUID().toString().substring(0, 8);
    SolrTestCluster.target().createCollection(strict, 1);
    Path strictJob = dir.resolve("strict.yaml");
    Files.writeString(strictJob, Files.readString(job).replace("job: values", "job: strict")
        .replace("collection: " + coll, "collection: " + strict).replace("fieldMapping:\n",
            "fieldMapping:\n  lossyValues: reject\n"));
    assertThat(PlanCommandIT.run("plan", "--job-file", strictJob.toString(), "--apply", "--quiet").code()).isZero();
    PlanCommandIT.Result strictWork = PlanCommandIT.run("work", "--job-file", strictJob.toString(), "--worker-id", "w",
        "--settle-seconds", "0");
    assertThat(strictWork.code()).as(strictWork.err()).isZero();
    SolrTestCluster.target().client().commit(strict);
    assertThat(SolrTestCluster.target().client().query(strict, new SolrQuery("*:*")).getResults())
        .extracting(d -> d.getFieldValue("id")).containsExactly("d3");
    PlanCommandIT.Result strictRejected = PlanCommandIT.run("rejected", "--job-file", strictJob.toString());
    assertThat(strictRejected.out()).as(strictRejected.err()).contains("2 rejected document(s) in job strict")
        .containsPattern("d1 +the target cannot hold it as it is \\(field 'tags': 1 null left out of a list of 3")
        .doesNotContain("written with changed values");
  }
}
