package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobStatusReader;
import io.backfillfleet.coordinator.SliceState;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocConverter;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.store.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Repairs the slices the last verification found mismatched: copies the window again create-only (so only the
 * missing documents are written), and with {@code deleteExtra} deletes target documents the source does not
 * have. Both go through the worker's resurrection guard ({@link GoneFromSource}): what repair wrote is re-checked
 * against the source a settle delay later, like a worker's page (a live delete between repair's read and its write
 * must not be undone), and every deletion is confirmed gone after another {@code settle} and done only at the
 * version seen before, so a concurrent live write is never deleted. Run verify again afterwards.
 */
public final class Repairer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Repairer.class);
  private final CoordinatorConnection conn;
  private final SearchStore source;
  private final SearchStore target;
  private final DocConverter converter;
  private final Duration settle;

  public Repairer(CoordinatorConnection conn, SearchStore source, SearchStore target, FieldMapping mapping,
      Duration settle) {
    this.conn = conn;
    this.source = source;
    this.target = target;
    this.converter = new DocConverter(mapping, target.fields()); // the same conversions as the copy
    this.settle = settle;
  }

  /**
   * What repair did: {@code deleted} counts every deletion, {@code deletedAfterRecheck} those of documents repair
   * itself wrote and a live delete had removed meanwhile.
   */
  public record Result(int slices, long created, long deleted, long deletedAfterRecheck) {}

  public Result repair(String job, boolean deleteExtra) {
    int slices = 0;
    long created = 0;
    GoneFromSource gone = new GoneFromSource(source, target);
    List<CopiedDoc> written = new ArrayList<>();
    Map<CopiedDoc, String> extraSuspects = new HashMap<>();
    for (Map.Entry<String, WorkNode> e : new JobStatusReader(conn).read(job).slices().entrySet()) {
      WorkNode w = e.getValue();
      if (w.state() != SliceState.DONE || w.verify() == null || w.verify().matches()) continue;
      slices++;
      for (SliceWindow window : SliceWindow.of(w)) { // each tenant's window of a packed slice
        created += copyWindow(window, written);
        if (deleteExtra) {
          TreeSet<String> src = Verifier.ids(source, window);
          extraSuspects.putAll(gone.suspects(extraInTarget(window, src))); // a live create since is not one
        }
      }
    }
    Map<CopiedDoc, String> guardSuspects = new HashMap<>();
    if (!written.isEmpty()) {
      sleep(settle); // the first look comes a dual-writer's lag after the writes, as for a worker's page
      guardSuspects.putAll(gone.suspects(written));
    }
    long deleted = 0;
    long deletedAfterRecheck = 0;
    if (!extraSuspects.isEmpty() || !guardSuspects.isEmpty()) {
      sleep(settle); // one wait for all: the confirming look comes a dual-writer's lag after the versions
      Set<String> guarded = new HashSet<>();
      guardSuspects.keySet().forEach(d -> guarded.add(d.id()));
      Map<CopiedDoc, String> all = new HashMap<>(extraSuspects);
      all.putAll(guardSuspects);
      for (String id : gone.deleteConfirmed(all)) {
        deleted++;
        if (guarded.contains(id)) deletedAfterRecheck++;
      }
    }
    target.makeVisible();
    return new Result(slices, created, deleted, deletedAfterRecheck);
  }

  /** Copies a slice's window create-only; adds what may have landed (created or rejected) to {@code written}. */
  private long copyWindow(SliceWindow w, List<CopiedDoc> written) {
    long created = 0;
    try (WindowReader r = source.reader(w.tenant(), w.window(), Cursor.START)) {
      for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
        List<DocConverter.Outcome> outcomes = p.docs().stream().map(converter::convert).toList();
        List<Doc> mapped = outcomes.stream().map(DocConverter.Outcome::doc).toList();
        List<DocConverter.Refused> refused = outcomes.stream().filter(o -> o instanceof DocConverter.Refused)
            .map(DocConverter.Refused.class::cast).toList();
        if (!refused.isEmpty()) { // as in the copy: not written, and verify keeps finding them missing
          LOG.warn("repair: {} documents cannot be written as the target's fields need (first: {} - {})",
              refused.size(), refused.get(0).doc().id(), refused.get(0).reason());
        }
        WriteResult result = target.createIfAbsent(outcomes.stream().filter(o -> o instanceof DocConverter.Converted)
            .map(DocConverter.Outcome::doc).toList());
        created += result.created().size();
        Set<String> mayHaveLanded = new HashSet<>(result.created()); // a shard may store what it reported failed
        result.rejected().forEach(x -> mayHaveLanded.add(x.id()));
        for (int i = 0; i < mapped.size(); i++) {
          if (mayHaveLanded.contains(mapped.get(i).id())) written.add(CopiedDoc.of(p.docs().get(i), mapped.get(i), target));
        }
        if (p.last()) return created;
      }
    }
  }

  /** The target documents of a slice's window that the source's listing lacks. */
  private List<CopiedDoc> extraInTarget(SliceWindow w, Set<String> inSource) {
    List<CopiedDoc> out = new ArrayList<>();
    try (WindowReader r = target.reader(w.tenant(), w.window(), Cursor.START)) {
      for (Page p = r.readPage(1000); ; p = r.readPage(1000)) {
        for (Doc d : p.docs()) if (!inSource.contains(d.id())) out.add(CopiedDoc.seenInTarget(d, target));
        if (p.last()) return out;
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // nothing to wait on but the dual-writer's lag
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to confirm documents gone", e);
    }
  }
}
