package io.backfillfleet.worker;

import com.codahale.metrics.jmx.JmxReporter;
import io.backfillfleet.coordinator.ClaimOutcome;
import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.DeadLetters;
import io.backfillfleet.coordinator.IdleWorkers;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.SliceBoard;
import io.backfillfleet.coordinator.SliceClaim;
import io.backfillfleet.coordinator.WorkerInfo;
import io.backfillfleet.coordinator.WorkerRegistration;
import io.backfillfleet.store.DocConverter;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker process: registers, claims free slices (up to {@code concurrency} at once), copies them, and
 * returns when no work is left, which is when a Kubernetes work-queue Job expects its pods to exit 0. While
 * the remaining slices are held by others it waits, and takes one over as soon as its claim disappears.
 *
 * <p>{@link #shutdown()} (SIGTERM) stops claiming; each slice in flight finishes its page, checkpoints and
 * is released, within the grace period.
 */
public final class FleetWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetWorker.class);

  private final CoordinatorConnection conn;
  private final String job;
  private final WorkerSettings settings; // as given: AUTO values are filled in per run, for the job's source engine
  private final WorkerMetrics metrics = new WorkerMetrics();
  private final Throttle throttle = new Throttle();
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile Integer metricsPort;
  private volatile Duration unreadableBoardGrace = Duration.ofSeconds(60);
  private volatile Duration storeWaitPatience = StoreWait.DEFAULT_PATIENCE;
  private volatile SplitSettings splitting = SplitSettings.AUTO;
  private volatile MetricsEndpoint endpoint;

  public FleetWorker(CoordinatorConnection conn, String job, WorkerSettings settings) {
    this.conn = conn;
    this.job = job;
    this.settings = settings;
  }

  /** Serves /metrics on this port while running (0: any free port). */
  /**
   * How long a worker keeps trying when its job's open slices cannot be read for another reason than ZooKeeper being
   * unreachable (access refused, nodes changed by hand) before it gives up with an error (default 60 s).
   */
  public FleetWorker withUnreadableBoardGrace(Duration grace) {
    this.unreadableBoardGrace = grace;
    return this;
  }

  /**
   * How long the start-up checks wait for a source or target that does not answer (a cluster restarting) before
   * the worker exits with an error (default 5 minutes; {@link StoreWait}).
   */
  public FleetWorker withStoreWait(Duration patience) {
    this.storeWaitPatience = patience;
    return this;
  }

  /** Whether and when held slices split while other workers are idle ({@code --split}); auto by default. */
  public FleetWorker withSplitting(SplitSettings settings) {
    this.splitting = settings;
    return this;
  }

  public FleetWorker withMetricsPort(int port) {
    this.metricsPort = port;
    return this;
  }

  /** The port {@code /metrics} is served on while running, or -1 (not asked for, not started yet, or stopped). */
  public int metricsPort() {
    MetricsEndpoint e = endpoint;
    return e == null ? -1 : e.port();
  }

  public WorkerMetrics metrics() {
    return metrics;
  }


  /** How a run ended. */
  public enum Result { NO_WORK_LEFT, STOPPED }

  /** Runs until no work is left or {@link #shutdown()}; throws on bad configuration or an unreachable cluster. */
  public Result run() throws IOException, InterruptedException {
    Map<String, String> callersContext = MDC.getCopyOfContextMap();
    try (SliceBoard board = new SliceBoard(conn, job).start(Duration.ofSeconds(60))) {
      JobSpec spec = awaitReady(board);
      if (spec == null) return Result.STOPPED;
      WorkerSettings resolved = settings.forSource(JobStores.source(spec).engineKind());
      // every line this worker logs carries its job and worker (JSON logs: fields; see named()), slice lines the slice
      MDC.put("job", job);
      MDC.put("worker", resolved.workerId());
      RejectionRecorder rejections = new RejectionRecorder(new DeadLetters(conn), DeadLetters.changed(conn),
          RejectedFileSink.of(JobStores.rejectedFile(spec), resolved.workerId()), JobStores.errors(spec));
      PageMemoryBudget pageMemory = resolved.pageMemory();
      metrics.watch(pageMemory);
      if (DeleteRecheck.GUARD_OFF) {
        LOG.error("BENCHMARK ONLY: -Dbackfill.bench.guard=off: written pages are NOT re-checked against the source, so"
            + " live deletes can come back. Never run a migration like this.");
      }
      LOG.info("worker {}: {} slices in flight, pages of {} documents, at most {} MiB of pages held at once",
          resolved.workerId(), resolved.concurrency(), resolved.pageSize(), pageMemory.limitBytes() >> 20);
      try (SearchStore source = Stores.open("source", JobStores.source(spec));
           SearchStore target = Stores.open("target", JobStores.target(spec));
           WorkerRegistration registration = new WorkerRegistration(conn, job, new WorkerInfo(WorkerInfo.SCHEMA,
               resolved.workerId(), WorkerInfo.localHost(), Instant.now(), List.of(), 0)).start(Duration.ofSeconds(30));
           JmxReporter jmx = JmxReporter.forRegistry(metrics.registry).inDomain("backfill." + resolved.workerId()).build()) {
        // refuse to start on fields the reads cannot use, or a target a typo would let Elasticsearch create; a
        // cluster that does not answer yet (restarting) is waited for, up to --wait-for-clusters
        StoreWait.Outcome checked = new StoreWait(storeWaitPatience, () -> stopRequested).run(() -> {
          source.requireUsableFields();
          target.requireExists();
          target.checkCanDelete(); // the resurrection guard deletes: find out now, not on the first resurrected document
        });
        if (checked == StoreWait.Outcome.STOPPED) return Result.STOPPED;
        // the planner's snapshot: range counts from the first page instead of after this worker's own has aged
        JobStores.changeMark(spec).ifPresent(source::acceptSharedChangeMark);
        int targetCap = target.suggestedSlicesInFlight().orElse(0);
        if (targetCap > 0) {
          LOG.info("worker {}: while no job-wide cap is set, the fleet copies at most {} slices at once into this target"
              + " (its default; 'backfill throttle --slices-in-flight N' sets another)", resolved.workerId(), targetCap);
        }
        jmx.start();
        if (metricsPort != null) {
          endpoint = MetricsEndpoint.start(metricsPort, metrics.registry, MetricHelp.of(WorkerMetrics.HELP),
              MetricsEndpoint.labels(job, JobStores.source(spec), JobStores.target(spec)));
        }
        // a thread per slice being copied, and one per slice only settling (see loop)
        ExecutorService slots = Executors.newFixedThreadPool((1 + SETTLING_PER_SLOT) * resolved.concurrency(),
            named("slice"));
        ExecutorService readAhead = Executors.newFixedThreadPool(resolved.concurrency(), named("read-ahead"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("progress"));
        SliceSlots copying = new SliceSlots(resolved.concurrency(), resolved.adaptive());
        ProgressLog progress = new ProgressLog(metrics, board, held, throttle, pageMemory);
        ticker.scheduleAtFixedRate(() -> {
          followControl(board, copying, resolved.workerId(), targetCap);
          registration.update(registration.info().withActivity(List.copyOf(held), metrics.docsRead.getOneMinuteRate()));
        }, 0, 500, TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(progress::log, resolved.progressLogEvery().toMillis(),
            resolved.progressLogEvery().toMillis(), TimeUnit.MILLISECONDS);
        SliceCopier copier = new SliceCopier(source, target, new DocConverter(JobStores.mapping(spec), target.fields()),
            rejections, resolved,
            metrics, throttle, new PauseGate(() -> board.control().paused()), readAhead, pageMemory, spec.maxAttempts())
            .observedBy(copying);
        metrics.watch(copying);
        IdleWorkers idle = new IdleWorkers(conn, job, resolved.workerId());
        SplitSettings split = splitting;
        copier.splitBy(new SplitPolicy(source, split, () -> split.auto() && board.control().splitAllowed(), idle::count,
            idle::taken, copier.durations()::median));
        LOG.info("worker {}: {}", resolved.workerId(), split.auto() ? "splits a slice expected to run over "
            + split.minRemaining().toSeconds() + " s while workers are idle (--split auto; 'backfill split --job " + job
            + " off' stops it fleet-wide)" : "never splits a slice (--split off)");
        followControl(board, copying, resolved.workerId(), targetCap); // before the first claim, not half a second in
        try {
          Result result = loop(board, copier, slots, copying, resolved, idle);
          // --tune-target: the last copy is written, so the target gets its own settings back (idempotent)
          if (result == Result.NO_WORK_LEFT) restoreTuning(target, resolved.workerId());
          return result;
        } finally {
          slots.shutdown();
          if (!slots.awaitTermination(resolved.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("slices still copying after the grace period of {}; their claims end with this process",
                resolved.shutdownGrace());
            slots.shutdownNow();
          }
          readAhead.shutdownNow();
          ticker.shutdownNow();
          progress.log();
          if (endpoint != null) endpoint.close();
          endpoint = null;
        }
      }
    } finally {
      if (callersContext == null) MDC.clear();
      else MDC.setContextMap(callersContext);
      stopped.countDown();
    }
  }

  /**
   * Settling slots per copy slot. A settling slice waits out a settle delay (5 s by default) and holds nothing but a
   * thread, its claim and the ids of its last seconds of pages (its reader is closed); a copy slot may finish a slice
   * in a second or two. With as many settling slots as copy slots, slices that had finished copying held their copy
   * slots waiting for one (JFR, Solr bench, slices of 5,000 documents: about half the copy slots' time).
   */
  static final int SETTLING_PER_SLOT = 4;

  /**
   * Claims and copies up to {@code concurrency} slices at once. A slice whose last page is written only waits out
   * its settle delay before its last re-check: it frees its copy slot then and holds a settling slot instead
   * ({@link #SETTLING_PER_SLOT} per copy slot), so the settle delay of each slice does not stall the copy.
   */
  private Result loop(SliceBoard board, SliceCopier copier, ExecutorService slots, SliceSlots copying,
      WorkerSettings resolved, IdleWorkers idleWorkers) throws InterruptedException {
    try {
      return claimAndCopy(board, copier, slots, copying, resolved, idleWorkers);
    } finally {
      idleWorkers.markBusy(); // a worker that leaves asks for no more splits (its node would go with its session anyway)
    }
  }

  private Result claimAndCopy(SliceBoard board, SliceCopier copier, ExecutorService slots, SliceSlots copying,
      WorkerSettings resolved, IdleWorkers idleWorkers) throws InterruptedException {
    UnreadableBoard unreadable = new UnreadableBoard(job, unreadableBoardGrace);
    IdleBackoff idle = new IdleBackoff();
    Semaphore settling = new Semaphore(SETTLING_PER_SLOT * resolved.concurrency());
    while (!stopRequested) {
      if (board.control().paused()) {
        board.awaitChange(Duration.ofSeconds(1));
        continue;
      }
      if (!copying.tryAcquire(Duration.ofSeconds(1))) {
        // a worker whose share of the fleet-wide limit is 0 copies nothing, but must still see the job end
        if (copying.limit() == 0 && held.isEmpty() && finishedQuietly(board)) {
          board.signalNoSliceOpen();
          return Result.NO_WORK_LEFT;
        }
        continue;
      }
      ClaimOutcome claim;
      try {
        claim = stopRequested ? ClaimOutcome.NotClaimed.NONE_FREE : board.claim(resolved.workerId());
        unreadable.readable();
      } catch (CoordinationException e) {
        copying.release();
        unreadable.failed(e);
        LOG.warn("cannot claim right now: {}", e.getMessage());
        board.awaitChange(Duration.ofSeconds(2));
        continue;
      }
      if (!(claim instanceof ClaimOutcome.Claimed claimed)) {
        copying.release();
        // a free slot and nothing free to claim: holders of long slices may split them for this worker
        if (claim == ClaimOutcome.NotClaimed.NONE_FREE && !stopRequested) idleWorkers.markIdle();
        boolean finished;
        try {
          finished = claim == ClaimOutcome.NotClaimed.NONE_FREE && held.isEmpty() && board.isFinished();
        } catch (CoordinationException e) {
          unreadable.failed(e); // "done" is never concluded from a listing that failed
          idle.pause(board);
          continue;
        }
        if (finished) {
          if (!board.corruptSlices().isEmpty()) {
            // open by the job's accounting, but nobody can copy them: not done, and not silently skipped
            throw new CoordinationException(board.corruptSlices().size() + " slices of job " + job + " are open but"
                + " their work nodes cannot be read, so no worker can copy them: " + board.corruptSlices().values()
                + "; every other slice is finished. Restore or reset them ('backfill reset --job " + job
                + " --slice ID'), then start workers again");
          }
          // not the tallies' counts: they lag the slices (a cached read) and said "pending=10" here
          board.signalNoSliceOpen(); // the other idle workers see it now, not after their back-off
          LOG.info("no work left in job {}: no slice is open; 'backfill status' has the counts", job);
          return Result.NO_WORK_LEFT;
        }
        idle.pause(board);
        continue;
      }
      idle.reset();
      idleWorkers.markBusy();
      SliceClaim c = claimed.claim();
      held.add(c.sliceId());
      metrics.claimsHeld.incrementAndGet();
      slots.execute(() -> {
        boolean[] settlingSlot = {false};
        MDC.put("slice", c.sliceId());
        try {
          SliceCopier.Outcome outcome = copier.copy(c, () -> stopRequested, () -> {
            settling.acquireUninterruptibly();
            settlingSlot[0] = true;
            copying.release();
          });
          if (outcome == SliceCopier.Outcome.FAILED_WILL_RETRY || outcome == SliceCopier.Outcome.FAILED) {
            sleepQuietly(resolved.failureBackoff());
          }
        } finally {
          giveBackIfStillHeld(c);
          held.remove(c.sliceId());
          metrics.claimsHeld.decrementAndGet();
          if (settlingSlot[0]) settling.release();
          else copying.release();
          board.wakeWaiters(); // an idle loop backing off sees at once that this worker holds one slice fewer
          MDC.remove("slice");
        }
      });
    }
    return Result.STOPPED;
  }

  /**
   * The control node's docs/s budget and slices cap, as this worker's shares of them; without a cap there, the
   * target's default cap ({@code targetCap}, 0 for none).
   */
  private void followControl(SliceBoard board, SliceSlots copying, String workerId, int targetCap) {
    throttle.update(board.control().maxDocsPerSecond(), board.liveWorkers());
    int fleetLimit = fleetLimit(board.control().maxSlicesInFlight(), targetCap);
    if (fleetLimit > 0) copying.fleetShare(board.fleetShare(workerId, fleetLimit));
    else copying.noFleetLimit();
  }

  /** The operators' job-wide cap when they set one (higher or lower than the target's default), else that default. */
  static int fleetLimit(int controlCap, int targetCap) {
    return controlCap > 0 ? controlCap : Math.max(0, targetCap);
  }

  /** Whether the job is finished; false when that cannot be read now (never "done" from a failed read). */
  private static boolean finishedQuietly(SliceBoard board) {
    try {
      return board.isFinished() && board.corruptSlices().isEmpty();
    } catch (CoordinationException e) {
      return false;
    }
  }

  /**
   * A copy that ended without completing, failing or releasing its claim (ZooKeeper was unreachable when it tried)
   * must not leave the claim held by this live session forever: keep trying to release it for a while.
   */
  private void giveBackIfStillHeld(SliceClaim c) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (c.isOpen() && System.nanoTime() < deadline) {
      try {
        c.release();
        LOG.info("slice {} released after ZooKeeper came back", c.sliceId());
        return;
      } catch (CoordinationException e) {
        if (!c.isOpen()) return; // fenced: someone else holds it now
        sleepQuietly(Duration.ofSeconds(2));
      }
    }
    if (c.isOpen()) {
      LOG.error("could not give slice {} back; it stays claimed until this worker's session ends"
          + " ('backfill release' frees it)", c.sliceId());
    }
  }

  private JobSpec awaitReady(SliceBoard board) throws InterruptedException {
    while (!board.isReady()) {
      if (stopRequested) return null;
      LOG.info("job {} is not completely published yet; waiting", job);
      board.awaitChange(Duration.ofSeconds(5));
    }
    return board.spec().orElseThrow();
  }

  private void restoreTuning(SearchStore target, String workerId) {
    TargetTuner.Restored r;
    try {
      r = new TargetTuner(conn, job, java.time.Clock.systemUTC()).restore(target, workerId);
    } catch (io.backfillfleet.store.StoreUnavailableException e) {
      // not "done" while the target is still tuned: exit with an error; a restarted worker tries again (the CLI
      // exits 4 for a cluster that did not answer, which the chart restarts rather than failing the Job)
      LOG.error("job {} is copied, but the target's settings could not be restored yet; run 'backfill tune-target"
          + " --job {} --restore' if no worker starts again", job, job);
      throw e;
    } catch (io.backfillfleet.store.StoreException e) {
      throw new io.backfillfleet.store.StoreException("job " + job + " is copied, but the target's settings could not"
          + " be restored: " + e.getMessage() + "; run 'backfill tune-target --job " + job + " --restore'", e);
    }
    if (r instanceof TargetTuner.Restored.Now now) {
      LOG.info("job {}: the target's settings are restored ({})", job, now.node().describeOriginal());
    }
  }

  /** Stop claiming; slices in flight finish their page, checkpoint and release. Waits up to the grace period. */
  public void shutdown() {
    stopRequested = true;
    try {
      stopped.await(settings.shutdownGrace().toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  @Override
  public void close() {
    stopRequested = true;
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // back off after a failure before this slot claims again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Daemon threads that log with the creating thread's MDC (job and worker). */
  private static java.util.concurrent.ThreadFactory named(String prefix) {
    Map<String, String> context = MDC.getCopyOfContextMap();
    return r -> {
      Runnable withContext = () -> {
        if (context != null) MDC.setContextMap(context);
        r.run();
      };
      Thread t = new Thread(withContext, prefix + "-" + System.nanoTime() % 10_000);
      t.setDaemon(true);
      return t;
    };
  }
}
