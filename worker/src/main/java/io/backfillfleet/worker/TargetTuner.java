package io.backfillfleet.worker;

import io.backfillfleet.coordinator.CoordinationException;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.TargetTuningNode;
import io.backfillfleet.coordinator.TargetTuningStore;
import io.backfillfleet.coordinator.Versioned;
import io.backfillfleet.store.StoreConfigException;
import io.backfillfleet.store.TargetStore;
import io.backfillfleet.store.TargetTuning;
import io.backfillfleet.store.TuningSupport;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --tune-target}: relaxes the target's bulk settings for the backfill and puts the originals back at the end.
 *
 * <p>The originals are recorded in ZooKeeper before the target is changed, so a crash never loses them. Applying is
 * record (APPLYING), change the target, then mark APPLIED if the node is unchanged; restoring is write the originals,
 * then mark RESTORED if the node is unchanged, else read again. Whichever of a late apply and a restore marks the node
 * first, the other writes to the target after it and sees the mark: the last write to the target is the originals
 * once the node says RESTORED, and a RESTORED node is never applied again.
 */
public final class TargetTuner {
  private final TargetTuningStore nodes;
  private final String job;
  private final Clock clock;

  public TargetTuner(CoordinatorConnection conn, String job, Clock clock) {
    this.nodes = new TargetTuningStore(conn);
    this.job = job;
    this.clock = clock;
  }

  /** How an apply ended. */
  public sealed interface Applied {
    /** The target is tuned and the originals are recorded. */
    record Tuned(TargetTuningNode node) implements Applied {}

    /** The job had already tuned its target (and may have restored it): nothing was changed. */
    record AlreadyRecorded(TargetTuningNode node) implements Applied {}

    /** The job finished while the tuning went in: the originals were written back. */
    record RestoredMeanwhile(TargetTuningNode node) implements Applied {}
  }

  /** How a restore ended. */
  public sealed interface Restored {
    /** The original settings were written back by this call. */
    record Now(TargetTuningNode node) implements Restored {}

    /** Restored before (by a worker, on-call or delete-job): nothing to do. */
    record Before(TargetTuningNode node) implements Restored {}

    /** The job never tuned its target. */
    record NeverTuned() implements Restored {}
  }

  /** The target's tuning, or a {@link StoreConfigException} saying why it has none (e.g. a Solr target). */
  public static TargetTuning require(TargetStore target) {
    TuningSupport support = target.tuning();
    if (support instanceof TuningSupport.Tunable t) return t.tuning();
    throw new StoreConfigException(((TuningSupport.NotTunable) support).reason());
  }

  /** Records the target's current settings and applies the bulk values; refuses nothing twice (see {@link Applied}). */
  public Applied apply(TargetStore target, String by) {
    TargetTuning tuning = require(target);
    TargetTuningNode node = TargetTuningNode.applying(tuning.current(), tuning.bulkValues(), by, clock.instant());
    TargetTuningStore.RecordOutcome recorded = nodes.record(job, node);
    if (recorded instanceof TargetTuningStore.RecordOutcome.AlreadyThere there) {
      return new Applied.AlreadyRecorded(there.existing().value());
    }
    int version = ((TargetTuningStore.RecordOutcome.Recorded) recorded).version();
    Map<String, Map<String, String>> tuned = new LinkedHashMap<>();
    node.original().keySet().forEach(index -> tuned.put(index, node.tuned()));
    tuning.apply(tuned);
    if (nodes.replace(job, version, node.inState(TargetTuningNode.State.APPLIED))) {
      return new Applied.Tuned(node.inState(TargetTuningNode.State.APPLIED));
    }
    // restored while the tuning went in (a worker found no work left): our write to the target came after theirs
    tuning.apply(node.original());
    return new Applied.RestoredMeanwhile(node);
  }

  /** Writes the recorded originals back if the tuning is in effect; safe to run by several processes at once. */
  public Restored restore(TargetStore target, String by) {
    for (int attempt = 0; attempt < 30; attempt++) {
      Optional<Versioned<TargetTuningNode>> read = nodes.read(job);
      if (read.isEmpty()) return new Restored.NeverTuned();
      TargetTuningNode node = read.get().value();
      if (!node.inEffect()) return new Restored.Before(node);
      require(target).apply(node.original());
      TargetTuningNode restored = node.restored(by, clock.instant());
      if (nodes.replace(job, read.get().version(), restored)) return new Restored.Now(restored);
      // changed since we read it (APPLYING -> APPLIED, or restored by another): read again and, if needed, write again
    }
    throw new CoordinationException("could not mark the target tuning of job " + job + " restored: it kept changing;"
        + " run 'backfill tune-target --job " + job + " --restore' again");
  }

  /** The job's tuning node, if it has one. */
  public Optional<TargetTuningNode> read() {
    return nodes.read(job).map(Versioned::value);
  }
}
