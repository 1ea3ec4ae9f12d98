package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.WindowReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Repairs the slices the last verification found mismatched: copies the window again create-only (so only the
 * missing documents are written), and with {@code deleteExtra} deletes target documents the source does not
 * have, confirmed gone after {@code settle} and only at the version seen before (see {@link GoneFromSource}), so
 * a concurrent live write is never deleted. Run verify again afterwards.
 */
public final class Repairer {
  private final CoordinatorConnection conn;
  private final SearchStore source;
  private final SearchStore target;
  private final FieldMapping mapping;
  private final Duration settle;

  public Repairer(CoordinatorConnection conn, SearchStore source, SearchStore target, FieldMapping mapping,
      Duration settle) {
    this.conn = conn;
    this.source = source;
    this.target = target;
    this.mapping = mapping;
    this.settle = settle;
  }

  public record Result(int slices, long created, long deleted) {}

  public Result repair(String job, boolean deleteExtra) {
    int slices = 0;
    long created = 0;
    long deleted = 0;
    GoneFromSource gone = new GoneFromSource(source, target);
    Map<String, String> suspects = new HashMap<>();
    for (Map.Entry<String, WorkNode> e : new JobStatusReader(conn).read(job).slices().entrySet()) {
      WorkNode w = e.getValue();
      if (w.state() != SliceState.DONE || w.verify() == null || w.verify().matches()) continue;
      slices++;
      try (WindowReader r = source.reader(w.tenant(), Verifier.window(w), Cursor.START)) {
        for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
          created += target.createIfAbsent(p.docs().stream().map(mapping::apply).toList()).created().size();
          if (p.last()) break;
        }
      }
      if (deleteExtra) {
        TreeSet<String> src = Verifier.ids(source, w);
        List<String> extra = Verifier.ids(target, w).stream().filter(id -> !src.contains(id)).toList();
        suspects.putAll(gone.suspects(extra)); // a live create since the listing is not one
      }
    }
    if (!suspects.isEmpty()) {
      sleep(settle); // one wait for all slices: the confirming look comes a dual-writer's lag after the versions
      deleted += gone.deleteConfirmed(suspects).size();
    }
    target.makeVisible();
    return new Result(slices, created, deleted);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // nothing to wait on but the dual-writer's lag
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to confirm extra documents gone", e);
    }
  }
}
