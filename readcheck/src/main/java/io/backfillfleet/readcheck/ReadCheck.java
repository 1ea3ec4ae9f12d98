package io.backfillfleet.readcheck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comparison both the mirror and the replayer use. A pair whose answers differ is asked again, of both
 * clusters, once the settle delay has passed: a document written (or deleted) by live traffic a moment ago may not
 * be searchable on one side yet, and that is lag, not a mismatch. Only a difference that is still there, and that
 * is not legacy's own motion between two asks (see {@link #beyondLegacysOwnChange}), counts.
 * At most {@value #MAX_PENDING} re-asks wait at once; beyond that a difference counts as it is (and says so).
 */
public final class ReadCheck implements AutoCloseable {
  static final int MAX_PENDING = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(ReadCheck.class);

  private final ClusterClient legacy;
  private final ClusterClient candidate;
  private final AnswerComparer comparer;
  private final String legacyCollection;
  private final Duration settle;
  private final ReadCheckResults results;
  private final ReadCheckMetrics metrics;
  private final ScheduledExecutorService reasks = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "readcheck-reask");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore pending = new Semaphore(MAX_PENDING);

  public ReadCheck(ClusterClient legacy, ClusterClient candidate, AnswerComparer comparer, String legacyCollection,
      Duration settle, ReadCheckResults results, ReadCheckMetrics metrics) {
    this.legacy = legacy;
    this.candidate = candidate;
    this.comparer = comparer;
    this.legacyCollection = legacyCollection;
    this.settle = settle;
    this.results = results;
    this.metrics = metrics;
  }

  public ReadCheckResults results() {
    return results;
  }

  public ClusterClient candidateClient() {
    return candidate;
  }

  /** Asks both clusters (legacy first, then new) and judges the answers. */
  public void ask(QueryPair pair) {
    Answer l = legacy.send(pair.legacy());
    Answer c = candidate.send(pair.candidate());
    judge(pair, l, c);
  }

  /** Judges two answers to {@code pair}; a difference is re-asked after the settle delay before it counts. */
  public void judge(QueryPair pair, Answer l, Answer c) {
    String shape = pair.shape() != null ? pair.shape() : QueryShape.of(pair.legacy(), legacyCollection);
    List<Difference> diffs = comparer.compare(l, c);
    if (diffs.isEmpty() || settle.isZero()) {
      record(new Outcome(pair, shape, l, c, l.nanos(), c.nanos(), diffs, false, Instant.now()));
      return;
    }
    if (!pending.tryAcquire()) {
      LOG.warn("{} re-asks already waiting: counting a difference in '{}' without asking again", MAX_PENDING, shape);
      record(new Outcome(pair, shape, l, c, l.nanos(), c.nanos(), diffs, false, Instant.now()));
      return;
    }
    reasks.schedule(() -> {
      try {
        Answer l2 = legacy.send(pair.legacy());
        Answer c2 = candidate.send(pair.candidate());
        List<Difference> again = comparer.compare(l2, c2);
        if (!again.isEmpty()) again = beyondLegacysOwnChange(pair, l2, c2, again);
        record(again.isEmpty()
            ? new Outcome(pair, shape, l, c, l.nanos(), c.nanos(), List.of(), true, Instant.now())
            : new Outcome(pair, shape, l2, c2, l.nanos(), c.nanos(), again, false, Instant.now()));
      } catch (RuntimeException e) {
        LOG.warn("re-asking '{}' failed; counting the first difference", shape, e);
        record(new Outcome(pair, shape, l, c, l.nanos(), c.nanos(), diffs, false, Instant.now()));
      } finally {
        pending.release();
      }
    }, settle.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Under live writes a busy tenant's answer changes from one moment to the next on both clusters, each refreshing
   * on its own clock. Legacy is asked once more, after the new cluster: if the new answer equals either legacy
   * answer, they agree; otherwise the kinds of difference that legacy shows against itself between its two answers
   * (a count that moved, top ids that changed) are its own motion, not a mismatch (Diffy's noise filter). What
   * remains counts.
   */
  private List<Difference> beyondLegacysOwnChange(QueryPair pair, Answer l2, Answer c2, List<Difference> diffs) {
    Answer l3 = legacy.send(pair.legacy());
    if (comparer.compare(l3, c2).isEmpty()) return List.of();
    java.util.Set<Difference.Kind> moving = new java.util.HashSet<>();
    for (Difference d : comparer.compare(l2, l3)) moving.add(d.kind());
    if (moving.contains(Difference.Kind.IDS)) moving.add(Difference.Kind.ORDER);
    return diffs.stream().filter(d -> !moving.contains(d.kind())).toList();
  }

  private void record(Outcome o) {
    results.record(o);
    metrics.record(o);
  }

  /** The mirror could not keep up: a read was not sent to the new cluster (counted in the report and the metrics). */
  void dropped() {
    results.dropped();
    metrics.dropped();
  }

  /** The mirror's sampling left a read out. */
  void sampledOut() {
    results.sampledOut();
  }

  /** Waits until every re-ask has been answered and counted (or {@code max} has passed); true if none is left. */
  public boolean awaitReasks(Duration max) throws InterruptedException {
    if (pending.tryAcquire(MAX_PENDING, max.toMillis(), TimeUnit.MILLISECONDS)) {
      pending.release(MAX_PENDING);
      return true;
    }
    return false;
  }

  @Override
  public void close() {
    reasks.shutdownNow();
  }
}
