package io.backfillfleet.worker;

import io.backfillfleet.coordinator.SlicePart;
import io.backfillfleet.coordinator.WorkNode;
import io.backfillfleet.store.TimeWindow;
import java.util.List;

/**
 * One tenant's window of a slice, in the stores' terms: what is read, copied, reconciled and verified. A plain slice
 * has one; a packed slice one or two per small tenant ({@link WorkNode#windows()}).
 *
 * @param tenant null for the documents without a tenant value
 */
record SliceWindow(String tenant, TimeWindow window) {

  static List<SliceWindow> of(WorkNode w) {
    return w.windows().stream().map(SliceWindow::of).toList();
  }

  static SliceWindow of(SlicePart p) {
    return new SliceWindow(p.tenant(), p.missingTimestamp() ? TimeWindow.withoutTimestamp()
        : TimeWindow.of(p.from(), p.to()));
  }
}
