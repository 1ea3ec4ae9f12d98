package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.SliceBoard;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line every few seconds: rate, slices done of all, ETA. */
final class ProgressLog {
  private static final Logger LOG = LoggerFactory.getLogger("progress");
  private final WorkerMetrics metrics;
  private final SliceBoard board;
  private final Set<String> held;
  private final Throttle throttle;
  private final PageMemoryBudget pageMemory;
  private long waitsLogged;

  ProgressLog(WorkerMetrics metrics, SliceBoard board, Set<String> held, Throttle throttle,
      PageMemoryBudget pageMemory) {
    this.metrics = metrics;
    this.board = board;
    this.held = held;
    this.throttle = throttle;
    this.pageMemory = pageMemory;
  }

  void log() {
    double rate = metrics.docsRead.getOneMinuteRate();
    String fleet;
    String eta;
    try { // the job's counts come from its tallies, read at most every few minutes (see SliceBoard#counts)
      SliceBoard.BoardCounts c = board.counts();
      int workers = board.liveWorkers();
      double fleetRate = rate * workers;
      long left = board.remainingEstimatedDocs();
      metrics.jobSeen(c, board.estimatedDocs(), left, workers);
      eta = fleetRate < 1 ? "unknown" : human(Duration.ofSeconds((long) (left / fleetRate)));
      fleet = c.done() + " done / " + c.failed() + " failed / " + c.total() + " total";
    } catch (CoordinationException e) {
      fleet = "unknown (" + e.getMessage() + ")";
      eta = "unknown";
    }
    metrics.jobPaused.set(board.control().paused() ? 1 : 0);
    LOG.info("progress: {} docs/s here (1m), {} read here; slices {}, {} held here{}{}{};"
            + " ETA {} at the fleet's pace",
        Math.round(rate), metrics.docsRead.getCount(), fleet, held.size(),
        throttle.rate() > 0 ? ", throttled to " + Math.round(throttle.rate()) + " docs/s" : "",
        board.control().paused() ? ", PAUSED" : "", memoryWaits(), eta);
  }

  /** Reads that waited for page memory since the last line: the heap, not the clusters, is holding the copy back. */
  private String memoryWaits() {
    long waits = pageMemory.waits();
    long since = waits - waitsLogged;
    waitsLogged = waits;
    return since == 0 ? "" : ", " + since + " reads waited for page memory (" + (pageMemory.limitBytes() >> 20)
        + " MiB; see --page-memory-mb)";
  }

  static String human(Duration d) {
    return String.format("%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
