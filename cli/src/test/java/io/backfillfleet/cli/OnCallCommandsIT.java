package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.CopyProgress;
import io.backfillfleet.coordinator.CursorCheckpoint;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.FencedException;
import io.backfillfleet.coordinator.JobControlStore;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.coordinator.ZkSettings;
import io.backfillfleet.testkit.ZooKeeperServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each on-call command's effect on ZooKeeper, and its errors. */
class OnCallCommandsIT {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  final String zk = ZooKeeperServers.shared().getConnectString();
  final String root = "/oncall-" + UUID.randomUUID();

  private PlanCommandIT.Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--zk", zk, "--root", root));
    return PlanCommandIT.run(all.toArray(String[]::new));
  }

  private CoordinatorConnection publish(String job, int slices) {
    CoordinatorConnection c = new CoordinatorConnection(ZkSettings.of(zk, root)).start();
    List<PlannedSlice> plan = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      plan.add(new PlannedSlice("s" + i, WorkNode.pending("acme", T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * (i + 1)),
          1000)));
    }
    new JobRepository(c).publish(new JobSpec(1, job, JobSpec.PublishState.PUBLISHING, "p", 0, 0, 1, null, null, null, T0),
        plan);
    return c;
  }

  @Test
  void commandsChangeZooKeeperAsTheySay() throws Exception {
    try (CoordinatorConnection c = publish("ops", 3); SliceBoard board = new SliceBoard(c, "ops").start(Duration.ofSeconds(10))) {
      PlanCommandIT.Result status = cli("status", "--job", "ops");
      assertThat(status.code()).isZero();
      assertThat(status.out()).contains("slices: 3 total, 0 done, 0 in progress, 3 pending")
          .contains("no worker is running: progress stands still");

      assertThat(cli("pause", "--job", "ops").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").paused()).isTrue();
      assertThat(cli("resume", "--job", "ops").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").paused()).isFalse();
      assertThat(cli("throttle", "--job", "ops", "--docs-per-second", "2500").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").maxDocsPerSecond()).isEqualTo(2500);
      assertThat(cli("throttle", "--job", "ops", "--slices-in-flight", "16").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").maxSlicesInFlight()).isEqualTo(16);
      assertThat(new JobControlStore(c).read("ops").maxDocsPerSecond()).as("kept").isEqualTo(2500);
      assertThat(cli("status", "--job", "ops").out()).contains("throttle 2500 docs/s, at most 16 slices in flight job-wide");
      assertThat(cli("split", "--job", "ops", "off").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").splitAllowed()).isFalse();
      assertThat(cli("status", "--job", "ops").out()).contains("splitting: off job-wide").contains("3 planned slices, none split");
      assertThat(cli("split", "--job", "ops", "sometimes").code()).isEqualTo(2);
      assertThat(cli("split", "--job", "ops", "auto").code()).isZero();
      assertThat(new JobControlStore(c).read("ops").splitAllowed()).isTrue();
      PlanCommandIT.Result nothing = cli("throttle", "--job", "ops");
      assertThat(nothing.code()).isEqualTo(2);
      assertThat(nothing.err()).contains("--docs-per-second N and/or --slices-in-flight N");

      // a slice that failed its only attempt
      SliceClaim failing = board.claimNext("w1").orElseThrow();
      assertThat(failing.fail("target said no", 1)).isEqualTo(SliceState.FAILED);
      assertThat(cli("status", "--job", "ops").out()).contains("FAILED SLICES").contains("target said no");
      PlanCommandIT.Result retry = cli("retry", "--job", "ops", "--failed");
      assertThat(retry.code()).isZero();
      assertThat(retry.out()).contains("1 slice(s) back to PENDING: " + failing.sliceId());
      WorkNode retried = new JobStatusReader(c).read("ops").slices().get(failing.sliceId());
      assertThat(retried.state()).isEqualTo(SliceState.PENDING);
      assertThat(retried.attempts()).isZero();

      // release fences the holder
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> new io.backfillfleet.coordinator.JobSummaryReader(c).read("ops").held() == 0);
      SliceClaim held = null;
      for (int i = 0; i < 50 && held == null; i++) held = board.claimNext("w2").orElse(null);
      SliceClaim holder = held;
      holder.checkpoint(new CursorCheckpoint("half", new CopyProgress(500, 500, 0, 0, 0)));
      assertThat(cli("status", "--job", "ops", "--stuck-after", "0").out()).contains("STUCK");
      PlanCommandIT.Result release = cli("release", "--job", "ops", "--slice", holder.sliceId());
      assertThat(release.code()).as(release.err()).isZero();
      assertThat(new JobStatusReader(c).read("ops").claims()).doesNotContainKey(holder.sliceId());
      assertThatThrownBy(() -> holder.checkpoint(new CursorCheckpoint("late", new CopyProgress(600, 600, 0, 0, 0))))
          .isInstanceOf(FencedException.class);
      WorkNode afterRelease = new JobStatusReader(c).read("ops").slices().get(holder.sliceId());
      assertThat(afterRelease.cursor()).isEqualTo("half");

      new DeadLetters(c).record("ops", holder.sliceId(), afterRelease.epoch(), 1,
          List.of(new RejectedDoc("doc-9", "mapper_parsing_exception: bad n")));
      PlanCommandIT.Result rejected = cli("rejected", "--job", "ops");
      assertThat(rejected.out()).contains(holder.sliceId() + ": 1 rejected").contains("doc-9")
          .contains("mapper_parsing_exception").contains("1 rejected document(s) in job ops");

      assertThat(cli("reset", "--job", "ops", "--slice", holder.sliceId()).code()).isZero();
      WorkNode reset = new JobStatusReader(c).read("ops").slices().get(holder.sliceId());
      assertThat(reset.cursor()).isNull();
      assertThat(reset.docsRead()).isZero();
      assertThat(cli("rejected", "--job", "ops").out()).as("copied again from scratch: recounted")
          .doesNotContain("doc-9").contains("0 rejected document(s) in job ops");

      assertThat(cli("jobs").out()).contains("ops");
      SliceClaim blocking = null;
      for (int i = 0; i < 50 && blocking == null; i++) blocking = board.claimNext("w3").orElse(null);
      assertThat(blocking).isNotNull();
      // a split while it runs: status counts the successor apart from the plan's slices and lists both
      Instant middle = blocking.work().from().plusSeconds(1800);
      String successor = ((io.backfillfleet.coordinator.SplitOutcome.Split) blocking.split(
          io.backfillfleet.coordinator.SplitPoint.at(middle), 500, 500)).successorId();
      assertThat(cli("status", "--job", "ops").out()).contains("slices: 4 total")
          .contains("3 planned slices, 1 split off running slices");
      PlanCommandIT.Result splits = cli("status", "--job", "ops", "--split");
      assertThat(splits.out()).contains("2 slices of job ops split while running or split off")
          .containsPattern(java.util.regex.Pattern.quote(blocking.sliceId()) + " .*split 1x")
          .containsPattern(java.util.regex.Pattern.quote(successor) + " .*off " + blocking.sliceId());
      assertThat(cli("status", "--job", "ops", "--format", "json").out()).contains("\"plannedSlices\" : 3");
      PlanCommandIT.Result refused = cli("delete-job", "--job", "ops");
      assertThat(refused.code()).isEqualTo(2);
      assertThat(refused.err()).contains("held claims").contains("--force");
      assertThat(new JobRepository(c).exists("ops")).isTrue();
      assertThat(cli("delete-job", "--job", "ops", "--force").code()).isZero();
      assertThat(new JobRepository(c).exists("ops")).isFalse();
    }
  }

  @Test
  void onlyReleaseAndResetFenceAHolderThatIsCopying() throws Exception {
    try (CoordinatorConnection c = publish("copying", 1);
         SliceBoard board = new SliceBoard(c, "copying").start(Duration.ofSeconds(10))) {
      SliceClaim holder = awaitClaim(board, "w1");
      int[] page = {0};
      Runnable checkpoint = () -> holder.checkpoint(new CursorCheckpoint("p" + ++page[0],
          new CopyProgress(page[0] * 10L, page[0] * 10L, 0, 0, 0)));
      checkpoint.run();
      assertThat(cli("pause", "--job", "copying").code()).isZero();
      checkpoint.run(); // not fenced (the worker's pause gate stops it between pages, not its claim)
      assertThat(cli("resume", "--job", "copying").code()).isZero();
      checkpoint.run();
      assertThat(cli("throttle", "--job", "copying", "--docs-per-second", "100").code()).isZero();
      checkpoint.run();
      assertThat(cli("retry", "--job", "copying", "--failed").out()).contains("0 slice(s) back to PENDING");
      checkpoint.run();
      PlanCommandIT.Result retry = cli("retry", "--job", "copying", "--slice", holder.sliceId());
      assertThat(retry.code()).isEqualTo(2);
      assertThat(retry.err()).contains("not FAILED");
      checkpoint.run();
      assertThat(new JobStatusReader(c).read("copying").slices().get(holder.sliceId()).cursor()).isEqualTo("p6");

      assertThat(cli("release", "--job", "copying", "--slice", holder.sliceId()).code()).isZero();
      assertThatThrownBy(checkpoint::run).isInstanceOf(FencedException.class);

      SliceClaim second = awaitClaim(board, "w2");
      second.checkpoint(new CursorCheckpoint("q1", new CopyProgress(70, 70, 0, 0, 0)));
      assertThat(cli("reset", "--job", "copying", "--slice", second.sliceId()).code()).isZero();
      assertThatThrownBy(() -> second.checkpoint(new CursorCheckpoint("q2", new CopyProgress(80, 80, 0, 0, 0))))
          .isInstanceOf(FencedException.class);
      assertThat(new JobStatusReader(c).read("copying").claims()).isEmpty();
    }
  }

  private static SliceClaim awaitClaim(SliceBoard board, String worker) {
    java.util.concurrent.atomic.AtomicReference<SliceClaim> got = new java.util.concurrent.atomic.AtomicReference<>();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      board.claimNext(worker).ifPresent(got::set);
      return got.get() != null;
    });
    return got.get();
  }

  @Test
  void unknownJobsAndSlicesGiveAClearMessageAndExitCode2() {
    try (CoordinatorConnection c = publish("known", 1)) {
      for (String[] args : List.of(new String[] {"status", "--job", "nope"}, new String[] {"pause", "--job", "nope"},
          new String[] {"retry", "--job", "nope", "--failed"}, new String[] {"verify", "--job", "nope"})) {
        PlanCommandIT.Result r = cli(args);
        assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err()).contains("no job 'nope' under root " + c.settings().root() + " of ZooKeeper ")
            .doesNotContain("\tat ");
      }
      PlanCommandIT.Result slice = cli("release", "--job", "known", "--slice", "zzz");
      assertThat(slice.code()).isEqualTo(2);
      assertThat(slice.err()).contains("has no slice 'zzz'");
      PlanCommandIT.Result retryPending = cli("retry", "--job", "known", "--slice", "s0");
      assertThat(retryPending.code()).isEqualTo(2);
      assertThat(retryPending.err()).contains("not FAILED");
      PlanCommandIT.Result noZk = PlanCommandIT.run("status", "--job", "known");
      assertThat(noZk.code()).isEqualTo(2);
      assertThat(noZk.err()).contains("--zk");
    }
  }
}
