package io.backfillfleet.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EsErrorsTest {
  @Test
  void theReasonComesFirstNotTheStatusLine() {
    String message = "method [POST], host [http://127.0.0.1:9200], URI [/idx/_search], status line [HTTP/1.1 400 Bad"
        + " Request]\n{\"error\":{\"root_cause\":[{\"type\":\"query_shard_exception\",\"reason\":\"failed to create"
        + " query: For input string: \\\"abc\\\"\",\"index\":\"idx\"}],\"type\":\"search_phase_execution_exception\","
        + "\"reason\":\"all shards failed\",\"phase\":\"query\",\"caused_by\":{\"type\":\"number_format_exception\","
        + "\"reason\":\"For input string: \\\"abc\\\"\"}},\"status\":400}";
    assertThat(EsErrors.reason(message)).isEqualTo("search_phase_execution_exception: all shards failed"
        + " (number_format_exception: For input string: \"abc\")");
  }

  @Test
  void withoutJsonTheFirstLine() {
    assertThat(EsErrors.reason("method [GET], host [h], URI [/], status line [HTTP/1.1 502 Bad Gateway]\n<html>"))
        .isEqualTo("method [GET], host [h], URI [/], status line [HTTP/1.1 502 Bad Gateway]");
    assertThat(EsErrors.reason("x\n{\"error\":\"no handler found for uri [/_pit]\"}"))
        .isEqualTo("no handler found for uri [/_pit]");
  }
}
