package io.backfillfleet.coordinator;

/**
 * A job published by an older version, whose slices are all children of one node: past about 30,000 slices that
 * listing exceeds ZooKeeper's packet limit and reads as empty. This version does not read it (an empty read must never
 * look like "done"); the message says what to do.
 */
public final class OldLayoutException extends CoordinationException {
  public OldLayoutException(String job, int layout) {
    super("job '" + job + "' was published by an older backfill-fleet (ZooKeeper layout " + layout + ", every slice"
        + " in one listing); this version reads layout " + JobSpec.LAYOUT + " only. Finish it with the version that"
        + " published it, or delete it ('backfill delete-job --job " + job + "') and plan it again: the copy is"
        + " create-only, so documents already copied are counted as already present, not written twice");
  }
}
