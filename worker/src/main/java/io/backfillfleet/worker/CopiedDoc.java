package io.backfillfleet.worker;

import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.TargetStore;

/**
 * A document the backfill wrote, as each cluster finds it: the source's routing as read, the target's as written
 * (they differ when the target routes by a field). The resurrection guard asks the source with one and deletes in
 * the target with the other.
 */
record CopiedDoc(DocKey inSource, DocKey inTarget) {
  CopiedDoc {
    if (!inSource.id().equals(inTarget.id())) throw new IllegalArgumentException("one document, one id");
  }

  /** {@code read} as the source gave it, {@code written} as mapped for the target. */
  static CopiedDoc of(Doc read, Doc written, TargetStore target) {
    return new CopiedDoc(read.key(), target.keyOf(written));
  }

  /**
   * A document read back from the target: its routing in the source is not known (the target may route by a field),
   * so the source looks on every shard rather than answer "gone" from the wrong one.
   */
  static CopiedDoc seenInTarget(Doc inTarget) {
    return new CopiedDoc(DocKey.routingUnknown(inTarget.id()), inTarget.key());
  }

  String id() {
    return inSource.id();
  }
}
