package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetTuningNodeTest {
  private static final Instant T = Instant.parse("2026-12-01T04:00:00Z");

  private static Map<String, String> settings(String refresh, String replicas) {
    Map<String, String> m = new LinkedHashMap<>(); // Map.of refuses the null that means "was not set"
    m.put("index.refresh_interval", refresh);
    m.put("index.number_of_replicas", replicas);
    return m;
  }

  @Test
  void anUnsetOriginalRoundTripsAsNullNotAsMissingOrTheString() {
    Map<String, Map<String, String>> original = new LinkedHashMap<>();
    original.put("logs-1", settings(null, "1"));
    original.put("logs-2", settings("7s", "2"));
    TargetTuningNode node = TargetTuningNode.applying(original, settings("-1", "0"), "plan", T)
        .inState(TargetTuningNode.State.APPLIED);
    byte[] json = NodeCodec.encode(node);
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"index.refresh_interval\":null");
    TargetTuningNode back = NodeCodec.decode("/t", json, TargetTuningNode.class);
    assertThat(back).isEqualTo(node);
    assertThat(back.original().get("logs-1")).containsEntry("index.refresh_interval", null).hasSize(2);
    assertThat(back.inEffect()).isTrue();
    assertThat(back.describeTuned()).isEqualTo("refresh_interval -1, number_of_replicas 0");
    assertThat(back.describeOriginal()).isEqualTo("logs-1: refresh_interval (not set), number_of_replicas 1;"
        + " logs-2: refresh_interval 7s, number_of_replicas 2");

    TargetTuningNode restored = NodeCodec.decode("/t", NodeCodec.encode(back.restored("w1", T.plusSeconds(60))),
        TargetTuningNode.class);
    assertThat(restored.state()).isEqualTo(TargetTuningNode.State.RESTORED);
    assertThat(restored.inEffect()).isFalse();
    assertThat(restored.original()).isEqualTo(original);
    assertThat(restored.restoredBy()).isEqualTo("w1");
  }

  @Test
  void aNodeWithoutItsOriginalsIsCorruptNotEmpty() {
    assertThatThrownBy(() -> NodeCodec.decode("/jobs/j/target-tuning",
        "{\"schema\":1,\"state\":\"APPLIED\",\"tuned\":{\"index.refresh_interval\":\"-1\"}}".getBytes(StandardCharsets.UTF_8),
        TargetTuningNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("/jobs/j/target-tuning")
        .hasMessageContaining("original");
  }
}
