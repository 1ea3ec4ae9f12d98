package io.backfillfleet.store.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.backfillfleet.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-bound JSON of the Elasticsearch hot paths; the servers themselves are in StoreContractIT. */
class HotPathJsonTest {

  @Test
  void aBulkBodyHasOneActionLineAndOneDocumentLinePerWriteAndNothingElse() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("tenant", "t1");
    doc.put("ts", 1_700_000_000_000L);
    doc.put("title", "line\nbreak \"quoted\"");
    doc.put("tags", List.of("a", "b"));
    byte[] body = HotPathJson.ndjson(List.of(new HotPathJson.BulkOp("create", Map.of("_id", "d1"), doc),
        new HotPathJson.BulkOp("delete", Map.of("_id", "d2"), null)));
    assertEquals("{\"create\":{\"_id\":\"d1\"}}\n"
        + "{\"tenant\":\"t1\",\"ts\":1700000000000,\"title\":\"line\\nbreak \\\"quoted\\\"\",\"tags\":[\"a\",\"b\"]}\n"
        + "{\"delete\":{\"_id\":\"d2\"}}\n", new String(body, StandardCharsets.UTF_8));
  }

  @Test
  void aSearchPageBindsIdsSourcesSortValuesAndShardFailures() throws Exception {
    String answer = "{\"pit_id\":\"p2\",\"_shards\":{\"failed\":1,\"failures\":[{\"reason\":{\"type\":\"x\",\"reason\":\"y\"}}]},"
        + "\"hits\":{\"hits\":[{\"_id\":\"d1\",\"_source\":{\"n\":1,\"tags\":[\"a\"]},\"sort\":[1700000000000,\"d1\"]}]}}";
    HotPathJson.SearchAnswer a = HotPathJson.SEARCH.readValue(answer);
    assertEquals("p2", a.pitId());
    assertEquals(1, a.shards().failed());
    assertEquals("x: y", a.shards().failures().get(0).reason().toString());
    HotPathJson.Hit h = a.hitList().get(0);
    assertEquals("d1", h.id());
    assertEquals(Map.of("n", 1, "tags", List.of("a")), h.source());
    assertEquals("[1700000000000,\"d1\"]", ElasticsearchStore.encodeCursor(h.sort()));
    // a filtered answer without hits leaves the key out altogether
    assertTrue(HotPathJson.SEARCH.<HotPathJson.SearchAnswer>readValue("{\"pit_id\":\"p3\"}").hitList().isEmpty());
  }

  @Test
  void aBulkAnswerKeepsItemsInOrderWithTheirErrors() throws Exception {
    HotPathJson.BulkAnswer a = HotPathJson.BULK.readValue("{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},"
        + "{\"create\":{\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"exists\"}}}]}");
    assertTrue(a.errors());
    HotPathJson.Item first = a.items().get(0).get("create");
    assertEquals(201, first.status());
    assertNull(first.error());
    assertEquals("version_conflict_engine_exception: exists", a.items().get(1).get("create").error().toString());
  }

  @Test
  void aCursorSavedByAnEarlierVersionStillDecodesAndABrokenOneIsNamed() {
    // the format every version wrote: the last hit's sort values as a JSON array
    List<Object> values = ElasticsearchStore.decodeCursor("[1700000000000,\"tenant-1-doc-7\"]");
    assertEquals(List.of(1_700_000_000_000L, "tenant-1-doc-7"), values);
    assertEquals("[1700000000000,\"tenant-1-doc-7\"]", ElasticsearchStore.encodeCursor(values));
    StoreException e = assertThrows(StoreException.class, () -> ElasticsearchStore.decodeCursor("cursorMark:AoE="));
    assertTrue(e.getMessage().contains("saved cursor 'cursorMark:AoE=' is not an Elasticsearch cursor"), e.getMessage());
    assertThrows(StoreException.class, () -> ElasticsearchStore.decodeCursor("[]"));
  }
}
