package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatus;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceAdmin;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.SliceVerification;
import io.backfillfleet.coordinator.Versioned;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SourceStore;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Step 3 of the migration: compares each copied slice's window on the source and the target, after a
 * commit/refresh on both. A mismatch is counted again after a settle delay (dual-writes land on the two
 * clusters at slightly different times) before it is reported. Results are stored in the work nodes, so a
 * second run only looks at slices not yet verified (unless {@code again}).
 */
public final class Verifier {
  private final CoordinatorConnection conn;
  private final SearchStore source;
  private final SearchStore target;
  private final Duration settle;
  private final Clock clock;

  public Verifier(CoordinatorConnection conn, SearchStore source, SearchStore target, Duration settle, Clock clock) {
    this.conn = conn;
    this.source = source;
    this.target = target;
    this.settle = settle;
    this.clock = clock;
  }

  /**
   * One slice's verdict, per window: a plain slice has one, a packed slice one or two per tenant, so a mismatch names
   * its tenant. {@code missing}/{@code extra} are filled only when ids were compared.
   */
  public record SliceResult(String sliceId, List<WindowResult> windows) {
    public SliceResult {
      windows = List.copyOf(windows);
    }

    public long sourceCount() {
      return windows.stream().mapToLong(WindowResult::sourceCount).sum();
    }

    public long targetCount() {
      return windows.stream().mapToLong(WindowResult::targetCount).sum();
    }

    public boolean matches() {
      return windows.stream().allMatch(WindowResult::matches);
    }

    public List<WindowResult> mismatched() {
      return windows.stream().filter(r -> !r.matches()).toList();
    }
  }

  /** One tenant's window of a slice on both clusters. */
  public record WindowResult(String tenant, TimeWindow window, long sourceCount, long targetCount, List<String> missing,
      List<String> extra) {
    public boolean matches() {
      return sourceCount == targetCount && missing.isEmpty() && extra.isEmpty();
    }
  }

  /**
   * The whole run: verified slices, slices skipped as already verified, slices not copied yet, slices that changed
   * while they were verified (reset or re-claimed: neither a pass nor a mismatch; verify them again), and whether
   * the slices cover the source ({@link CoverageCheck}).
   */
  public record Report(List<SliceResult> results, int skippedAsVerified, List<String> notDone,
      List<String> changedSince, CoverageCheck.Result coverage) {
    public long mismatches() {
      return results.stream().filter(r -> !r.matches()).count();
    }

    public boolean clean() {
      return mismatches() == 0 && notDone.isEmpty() && changedSince.isEmpty() && coverage.covered();
    }
  }

  /** Counts of a slice's windows on both clusters, and the id differences when ids were compared. */
  private record Comparison(List<WindowResult> windows) {
    boolean matches() {
      return windows.stream().allMatch(WindowResult::matches);
    }

    long sourceCount() {
      return windows.stream().mapToLong(WindowResult::sourceCount).sum();
    }

    long targetCount() {
      return windows.stream().mapToLong(WindowResult::targetCount).sum();
    }

    int missing() {
      return windows.stream().mapToInt(r -> r.missing().size()).sum();
    }

    int extra() {
      return windows.stream().mapToInt(r -> r.extra().size()).sum();
    }
  }

  /**
   * Verifies the copied slices. With {@code compareIds} the id sets of every slice are compared too (a full read of
   * both windows), so a lost document next to a resurrected one cannot hide behind equal counts.
   */
  public Report verify(String job, boolean again, boolean compareIds) {
    JobStatus status = new JobStatusReader(conn).read(job);
    source.makeVisible();
    target.makeVisible();
    List<SliceResult> results = new ArrayList<>();
    List<String> notDone = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<Map.Entry<String, WorkNode>> mismatched = new ArrayList<>();
    int skipped = 0;
    for (Map.Entry<String, WorkNode> e : status.slices().entrySet()) {
      WorkNode w = e.getValue();
      if (w.state() != SliceState.DONE) {
        notDone.add(e.getKey());
        continue;
      }
      if (!again && w.verify() != null && w.verify().matches()) {
        skipped++;
        continue;
      }
      Comparison c = compare(w, compareIds);
      if (c.matches()) record(job, status, e.getKey(), c, results, changed);
      else mismatched.add(e);
    }
    if (!mismatched.isEmpty()) {
      sleep(settle);
      source.makeVisible();
      target.makeVisible();
      for (Map.Entry<String, WorkNode> e : mismatched) {
        record(job, status, e.getKey(), compare(e.getValue(), compareIds), results, changed);
      }
    }
    CoverageCheck.Result coverage = coverage(status, results);
    if (!coverage.covered()) {
      sleep(settle); // a dual-write may have reached one cluster only
      source.makeVisible();
      target.makeVisible();
      coverage = coverage(status, List.of());
    }
    return new Report(results, skipped, notDone, changed, coverage);
  }

  /** Counts every slice on both clusters (reusing this run's counts) and compares the totals outside them. */
  private CoverageCheck.Result coverage(JobStatus status, List<SliceResult> counted) {
    Map<String, long[]> counts = new java.util.HashMap<>();
    for (SliceResult r : counted) counts.put(r.sliceId(), new long[] {r.sourceCount(), r.targetCount()});
    for (Map.Entry<String, WorkNode> e : status.slices().entrySet()) {
      counts.computeIfAbsent(e.getKey(), k -> {
        long[] c = new long[2];
        for (SliceWindow w : SliceWindow.of(e.getValue())) {
          c[0] += source.count(w.tenant(), w.window());
          c[1] += target.count(w.tenant(), w.window());
        }
        return c;
      });
    }
    return CoverageCheck.measure(status.spec(), status.slices(), counts, source, target);
  }

  private Comparison compare(WorkNode node, boolean ids) {
    List<WindowResult> out = new ArrayList<>();
    for (SliceWindow w : SliceWindow.of(node)) {
      long s = source.count(w.tenant(), w.window());
      long t = target.count(w.tenant(), w.window());
      if (!ids) {
        out.add(new WindowResult(w.tenant(), w.window(), s, t, List.of(), List.of()));
        continue;
      }
      TreeSet<String> src = ids(source, w);
      TreeSet<String> tgt = ids(target, w);
      out.add(new WindowResult(w.tenant(), w.window(), s, t, src.stream().filter(id -> !tgt.contains(id)).toList(),
          tgt.stream().filter(id -> !src.contains(id)).toList()));
    }
    return new Comparison(out);
  }

  /**
   * Stores the verdict on the work node version that was verified. If the slice changed meanwhile (reset and claimed
   * again during a long run), the verdict describes a copy that is no longer there: it is dropped and the slice is
   * reported as changed, and the new holder is left alone.
   */
  private void record(String job, JobStatus status, String id, Comparison c, List<SliceResult> results,
      List<String> changed) {
    Versioned<WorkNode> verified = status.versioned(id);
    SliceAdmin.VerificationRecord recorded = new SliceAdmin(conn, clock).recordVerification(job, id, verified.version(),
        new SliceVerification(c.sourceCount(), c.targetCount(), c.missing(), c.extra(), c.matches(),
            clock.instant()));
    if (recorded == SliceAdmin.VerificationRecord.SLICE_CHANGED) {
      changed.add(id);
      return;
    }
    results.add(new SliceResult(id, c.windows()));
  }

  /** Every id of one of a slice's windows, sorted (a full read of the window). */
  static TreeSet<String> ids(SourceStore store, SliceWindow w) {
    TreeSet<String> out = new TreeSet<>();
    try (WindowReader r = store.reader(w.tenant(), w.window(), Cursor.START)) {
      for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
        for (Doc d : p.docs()) out.add(d.id());
        if (p.last()) break;
      }
    }
    return out;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // the settle delay: give in-flight dual-writes time to land on both clusters
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
