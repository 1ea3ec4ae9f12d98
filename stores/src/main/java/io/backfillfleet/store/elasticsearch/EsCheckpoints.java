package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * An Elasticsearch index's watermark for {@link io.backfillfleet.store.ChangeMarks}: sequence numbers are per
 * shard, so it is the least global checkpoint over every shard copy of the index (each shard's later operations are
 * stamped above its own checkpoint, so above the least). An operation up to a global checkpoint is on every in-sync
 * copy when the checkpoint is read.
 */
final class EsCheckpoints {
  private EsCheckpoints() {}

  /**
   * The least global checkpoint over every shard copy in {@code GET /<index>/_stats?level=shards} ({@code indices
   * -> shards -> number -> [copy -> seq_no.global_checkpoint]}); -1 when any copy does not give one.
   */
  static long leastGlobalCheckpoint(JsonNode stats) {
    long least = Long.MAX_VALUE;
    int copies = 0;
    for (Iterator<Map.Entry<String, JsonNode>> idx = stats.path("indices").fields(); idx.hasNext(); ) {
      for (Iterator<Map.Entry<String, JsonNode>> sh = idx.next().getValue().path("shards").fields(); sh.hasNext(); ) {
        for (JsonNode copy : sh.next().getValue()) {
          JsonNode g = copy.path("seq_no").path("global_checkpoint");
          if (!g.canConvertToLong()) return -1;
          least = Math.min(least, g.asLong());
          copies++;
        }
      }
    }
    return copies == 0 ? -1 : least;
  }
}
