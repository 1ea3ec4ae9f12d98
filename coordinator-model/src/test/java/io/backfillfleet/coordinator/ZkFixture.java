package io.backfillfleet.coordinator;

import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Test helpers: a fresh root on the shared ZooKeeper per test, and simple plans. */
final class ZkFixture {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private ZkFixture() {}

  static String freshRoot() {
    return "/t-" + UUID.randomUUID();
  }

  static ZkSettings sharedServer(String root) {
    return ZkSettings.of(ZooKeeperServers.shared().getConnectString(), root).withSessionTimeout(Duration.ofSeconds(10));
  }

  static CoordinatorConnection connect(ZkSettings settings) {
    return new CoordinatorConnection(settings).start();
  }

  static JobSpec spec(String job, String planId) {
    return new JobSpec(JobSpec.SCHEMA, job, JobSpec.PublishState.PUBLISHING, planId, 0, 0, 3, null, null, null, T0);
  }

  /** {@code n} one-hour slices of tenant "acme", ids s0000, s0001, ... */
  static List<PlannedSlice> slices(int n) {
    List<PlannedSlice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PlannedSlice(String.format("s%04d", i),
          WorkNode.pending("acme", T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)), 100)));
    }
    return out;
  }

  static CursorCheckpoint checkpoint(String cursor, long read) {
    return new CursorCheckpoint(cursor, new CopyProgress(read, read, 0, 0, 0));
  }
}
