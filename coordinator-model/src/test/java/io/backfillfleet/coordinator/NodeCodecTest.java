package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeCodecTest {
  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2024-02-01T00:00:00.123Z");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void workNodeRoundTripsWithEveryField() {
    WorkNode w = WorkNode.pending("acme", FROM, TO, 1234)
        .claimedBy("worker-1", 3, FROM)
        .checkpointed(new CursorCheckpoint("cursor-abc", new CopyProgress(10, 7, 2, 1, 0)), TO)
        .inState(SliceState.FAILED, 2, "boom", TO)
        .verified(new SliceVerification(10, 10, 0, 0, true, TO));
    WorkNode back = NodeCodec.decode("/x", NodeCodec.encode(w), WorkNode.class);
    assertThat(back).isEqualTo(w);
    assertThat(back.progress()).isEqualTo(new CopyProgress(10, 7, 2, 1, 0));
  }

  @Test
  void otherNodesRoundTrip() {
    JobSpec spec = new JobSpec(1, "job-1", JobSpec.PublishState.READY, "plan-1", 3, 300, 4,
        JsonNodeFactory.instance.objectNode().put("engine", "solr"), null, null, FROM);
    assertThat(NodeCodec.decode("/j", NodeCodec.encode(spec), JobSpec.class)).isEqualTo(spec);
    ClaimInfo claim = new ClaimInfo(1, "w1", "host", FROM, 7);
    assertThat(NodeCodec.decode("/c", NodeCodec.encode(claim), ClaimInfo.class)).isEqualTo(claim);
    JobControl control = JobControl.DEFAULT.withMaxDocsPerSecond(500, "oncall", FROM).withPaused(true, "oncall", TO);
    assertThat(NodeCodec.decode("/ctl", NodeCodec.encode(control), JobControl.class)).isEqualTo(control);
    WorkerInfo worker = new WorkerInfo(1, "w1", "h", FROM, List.of("s1"), 12.5);
    assertThat(NodeCodec.decode("/w", NodeCodec.encode(worker), WorkerInfo.class)).isEqualTo(worker);
  }

  @Test
  void unknownFieldsAreIgnored() {
    String json = "{\"schema\":1,\"tenant\":\"acme\",\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\","
        + "\"state\":\"PENDING\",\"epoch\":0,\"addedByAFutureVersion\":{\"x\":1}}";
    WorkNode w = NodeCodec.decode("/s/1", bytes(json), WorkNode.class);
    assertThat(w.tenant()).isEqualTo("acme");
    assertThat(w.state()).isEqualTo(SliceState.PENDING);
  }

  @Test
  void missingRequiredFieldNamesPathAndField() {
    String json = "{\"schema\":1,\"tenant\":\"acme\",\"from\":\"2024-01-01T00:00:00Z\",\"to\":\"2024-01-02T00:00:00Z\",\"epoch\":0}";
    assertThatThrownBy(() -> NodeCodec.decode("/backfill/jobs/j/slices/s1", bytes(json), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class)
        .hasMessageContaining("/backfill/jobs/j/slices/s1")
        .hasMessageContaining("state");
  }

  @Test
  void theNoTenantSliceIsAnExplicitNullTenantAndTheEmptyTenantIsATenant() {
    WorkNode none = WorkNode.pending(null, FROM, TO, 5);
    assertThat(new String(NodeCodec.encode(none), StandardCharsets.UTF_8)).contains("\"tenant\":null");
    WorkNode back = NodeCodec.decode("/x", NodeCodec.encode(none), WorkNode.class);
    assertThat(back).isEqualTo(none);
    assertThat(back.missingTenant()).isTrue();
    WorkNode empty = NodeCodec.decode("/x", NodeCodec.encode(WorkNode.pendingWithoutTimestamp("", 2)), WorkNode.class);
    assertThat(empty.tenant()).isEmpty();
    assertThat(empty.missingTenant()).isFalse();
    String noTenantProperty = "{\"schema\":1,\"missingTimestamp\":true,\"state\":\"PENDING\",\"epoch\":0}";
    assertThatThrownBy(() -> NodeCodec.decode("/p/t", bytes(noTenantProperty), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("tenant");
  }

  @Test
  void garbageAndEmptyNodesAreCorrupt() {
    assertThatThrownBy(() -> NodeCodec.decode("/p/garbage", bytes("{not json"), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("/p/garbage").hasMessageContaining("WorkNode");
    assertThatThrownBy(() -> NodeCodec.decode("/p/empty", new byte[0], JobSpec.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("/p/empty").hasMessageContaining("empty");
  }

  @Test
  void invalidValuesAreCorrupt() {
    String backwards = "{\"schema\":1,\"tenant\":\"acme\",\"from\":\"2024-02-01T00:00:00Z\",\"to\":\"2024-01-01T00:00:00Z\","
        + "\"state\":\"PENDING\",\"epoch\":0}";
    assertThatThrownBy(() -> NodeCodec.decode("/p/back", bytes(backwards), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("must be before");
    String newer = "{\"schema\":99,\"tenant\":\"acme\",\"missingTimestamp\":true,\"state\":\"PENDING\",\"epoch\":0}";
    assertThatThrownBy(() -> NodeCodec.decode("/p/new", bytes(newer), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("upgrade");
    String badState = "{\"schema\":1,\"tenant\":\"acme\",\"missingTimestamp\":true,\"state\":\"RUNNING\",\"epoch\":0}";
    assertThatThrownBy(() -> NodeCodec.decode("/p/state", bytes(badState), WorkNode.class))
        .isInstanceOf(CorruptNodeException.class).hasMessageContaining("/p/state").hasMessageContaining("RUNNING");
  }

  @Test
  void namesThatAreNotSafeZnodeNamesAreRefused() {
    assertThatThrownBy(() -> new JobLayout("/backfill", "a/b")).hasMessageContaining("job name 'a/b' is not valid");
    assertThatThrownBy(() -> new JobLayout("/backfill", "..")).hasMessageContaining("not valid");
    assertThatThrownBy(() -> new JobLayout("backfill", "ok")).hasMessageContaining("must start with '/'");
    assertThat(new JobLayout("/x/", "job-1.v2").slicePath("00ff", "s")).isEqualTo("/x/jobs/job-1.v2/slices/00ff/s");
  }

  @Test
  void digestCredentialsComeFromEnvironmentOrFileAndAreNotPrinted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    assertThat(ZkSettings.digestFrom(java.util.Map.of(ZkSettings.DIGEST_ENV, "bf:s3cret"))).contains("bf:s3cret");
    java.nio.file.Path f = dir.resolve("digest");
    java.nio.file.Files.writeString(f, "bf:fromfile\n");
    assertThat(ZkSettings.digestFrom(java.util.Map.of(ZkSettings.DIGEST_FILE_ENV, f.toString()))).contains("bf:fromfile");
    assertThat(ZkSettings.of("zk:2181", null).withDigest(java.util.Optional.of("bf:s3cret")).toString())
        .contains("bf").doesNotContain("s3cret");
    assertThatThrownBy(() -> ZkSettings.digestFrom(java.util.Map.of(ZkSettings.DIGEST_FILE_ENV, "/nope/none")))
        .hasMessageContaining("/nope/none").hasMessageContaining(ZkSettings.DIGEST_FILE_ENV);
  }
}
