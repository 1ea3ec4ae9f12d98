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
   * A document read back from the target. If the target routes as the source does, the source has it under the
   * same key; if it routes by a field of its own, the source's routing is not known, so the source looks on every
   * shard rather than answer "gone" from the wrong one.
   */
  static CopiedDoc seenInTarget(Doc inTarget, TargetStore target) {
    DocKey inSource = target.keepsSourceRouting() ? inTarget.key() : DocKey.routingUnknown(inTarget.id());
    return new CopiedDoc(inSource, inTarget.key());
  }

  String id() {
    return inSource.id();
  }
}
