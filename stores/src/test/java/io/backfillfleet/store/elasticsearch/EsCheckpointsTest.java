package io.backfillfleet.store.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** An index's watermark: the least global checkpoint of every shard copy, or none. */
class EsCheckpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theLeastGlobalCheckpointOverEveryShardCopyOfEveryIndex() throws Exception {
    assertThat(EsCheckpoints.leastGlobalCheckpoint(stats(41, 7, 12))).isEqualTo(7);
    assertThat(EsCheckpoints.leastGlobalCheckpoint(JSON.readTree("""
        {"indices":{"a":{"shards":{"0":[{"seq_no":{"global_checkpoint":30}},{"seq_no":{"global_checkpoint":28}}]}},
                    "b":{"shards":{"0":[{"seq_no":{"global_checkpoint":99}}]}}}}"""))).as("a lagging replica")
        .isEqualTo(28);
    assertThat(EsCheckpoints.leastGlobalCheckpoint(JSON.readTree("""
        {"indices":{"a":{"shards":{"0":[{"seq_no":{"global_checkpoint":30}}],"1":[{}]}}}}""")))
        .as("a copy without a checkpoint: no watermark").isEqualTo(-1);
    assertThat(EsCheckpoints.leastGlobalCheckpoint(JSON.readTree("{}"))).isEqualTo(-1);
  }

  /** Stats of one index whose shards (one copy each) have these global checkpoints. */
  private static JsonNode stats(long... checkpoints) throws Exception {
    StringBuilder shards = new StringBuilder();
    for (int i = 0; i < checkpoints.length; i++) {
      if (i > 0) shards.append(',');
      shards.append("\"").append(i).append("\":[{\"seq_no\":{\"global_checkpoint\":").append(checkpoints[i]).append("}}]");
    }
    return JSON.readTree("{\"indices\":{\"events\":{\"shards\":{" + shards + "}}}}");
  }
}
