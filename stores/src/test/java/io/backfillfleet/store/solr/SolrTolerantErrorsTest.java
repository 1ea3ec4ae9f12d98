package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which per-document errors of the tolerant chain mean "send it again" rather than "this document is bad". */
class SolrTolerantErrorsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "org.apache.solr.client.solrj.SolrServerException: Connection refused",
      "no active servers hosting shard: shard2",
      "Could not find a healthy node to handle the request.",
      "Async exception during distributed update: Idle timeout expired: 30000/30000 ms",
      "Request says it is coming from leader, but we are not the leader",
      "Cannot talk to ZooKeeper - Updates are disabled."})
  void aShardThatCannotBeReachedIsRetried(String message) {
    assertThat(SolrStore.unavailable(message)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ERROR: [doc=a1] Error adding field 'n'='many'",
      "ERROR: [doc=a2] unknown field 'colour'",
      "ERROR: [doc=a5] Error adding field 'state'='connection refused'",
      "Document contains multiple values for uniqueKey field: id=[a3, a4]"})
  void aBadDocumentIsRejected(String message) {
    assertThat(SolrStore.unavailable(message)).isFalse();
  }
}
