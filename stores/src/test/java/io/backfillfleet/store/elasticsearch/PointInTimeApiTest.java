package io.backfillfleet.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PointInTimeApiTest {

  @Test
  void openSearchHasAPointInTimeFrom2Dot4() {
    assertThat(PointInTimeApi.forOpenSearch("1.3.20")).isEqualTo(PointInTimeApi.NONE);
    assertThat(PointInTimeApi.forOpenSearch("2.3.0")).isEqualTo(PointInTimeApi.NONE);
    assertThat(PointInTimeApi.forOpenSearch("2.4.0")).isEqualTo(PointInTimeApi.OPENSEARCH);
    assertThat(PointInTimeApi.forOpenSearch("2.19.6")).isEqualTo(PointInTimeApi.OPENSEARCH);
    assertThat(PointInTimeApi.forOpenSearch("3.3.2")).isEqualTo(PointInTimeApi.OPENSEARCH);
    assertThat(PointInTimeApi.forOpenSearch("3.0.0-SNAPSHOT")).isEqualTo(PointInTimeApi.OPENSEARCH);
    assertThat(PointInTimeApi.forOpenSearch("")).as("unreadable: the search every version has")
        .isEqualTo(PointInTimeApi.NONE);
  }

  @Test
  void elasticsearchHasAPointInTimeFrom7Dot10ButNotInTheOssBuild() {
    assertThat(PointInTimeApi.forElasticsearch("7.10.2", "oss")).isEqualTo(PointInTimeApi.NONE);
    assertThat(PointInTimeApi.forElasticsearch("7.10.2", "default")).isEqualTo(PointInTimeApi.ELASTICSEARCH);
    assertThat(PointInTimeApi.forElasticsearch("7.9.3", "default")).isEqualTo(PointInTimeApi.NONE);
    assertThat(PointInTimeApi.forElasticsearch("7.17.29", "default")).isEqualTo(PointInTimeApi.ELASTICSEARCH);
    assertThat(PointInTimeApi.forElasticsearch("8.19.21", "")).as("8.x answers no build_flavor")
        .isEqualTo(PointInTimeApi.ELASTICSEARCH);
    assertThat(PointInTimeApi.forElasticsearch("9.5.3", "")).isEqualTo(PointInTimeApi.ELASTICSEARCH);
  }

  @Test
  void theTwoApisOpenAndCloseUnderTheirOwnPathsAndFields() {
    assertThat(PointInTimeApi.ELASTICSEARCH.open("idx", "5m").getEndpoint()).isEqualTo("/idx/_pit");
    assertThat(PointInTimeApi.ELASTICSEARCH.idField()).isEqualTo("id");
    assertThat(PointInTimeApi.ELASTICSEARCH.close("abc").getEndpoint()).isEqualTo("/_pit");
    assertThat(PointInTimeApi.OPENSEARCH.open("idx", "5m").getEndpoint()).isEqualTo("/idx/_search/point_in_time");
    assertThat(PointInTimeApi.OPENSEARCH.open("idx", "5m").getParameters()).containsEntry("keep_alive", "5m");
    assertThat(PointInTimeApi.OPENSEARCH.idField()).isEqualTo("pit_id");
    assertThat(PointInTimeApi.OPENSEARCH.close("abc").getEndpoint()).isEqualTo("/_search/point_in_time");
  }
}
