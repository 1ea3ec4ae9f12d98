package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Elasticsearch's and OpenSearch's error answers, reduced to their reason. The REST client's message starts with
 * the request line and {@code status line [HTTP/1.1 400 Bad Request]}, then the JSON body, whose reason can come
 * after hundreds of characters of {@code root_cause}; a user needs the reason first.
 */
final class EsErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EsErrors() {}

  /**
   * "type: reason" of the error in {@code message} (the most specific one: a {@code caused_by} when it says more),
   * or the message's first line when it holds no JSON error.
   */
  static String reason(String message) {
    String m = String.valueOf(message);
    int brace = m.indexOf('{');
    if (brace >= 0) {
      try {
        JsonNode error = JSON.readTree(m.substring(brace)).path("error");
        if (error.isTextual()) return error.asText();
        if (error.isObject()) return describe(error);
      } catch (java.io.IOException notJson) {
        // fall through to the first line
      }
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  private static String describe(JsonNode error) {
    JsonNode deepest = error;
    while (deepest.path("caused_by").isObject()) deepest = deepest.path("caused_by");
    String top = error.path("type").asText() + ": " + error.path("reason").asText();
    if (deepest == error || deepest.path("reason").asText().isEmpty()) return top;
    return top + " (" + deepest.path("type").asText() + ": " + deepest.path("reason").asText() + ")";
  }
}
