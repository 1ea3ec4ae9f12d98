package io.backfillfleet.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** After the run: every document the live writer touched is as its last live write left it in the new cluster. */
record LiveCheck(int preserved, int expectedLive, int notResurrected, int deletedLive, List<String> problems) {

  static LiveCheck of(LiveWriter live, Cluster fresh) {
    int preserved = 0;
    int expected = 0;
    int notResurrected = 0;
    int deleted = 0;
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : live.last.entrySet()) {
      String origin = fresh.originOf(e.getKey());
      if (e.getValue().equals(LiveWriter.DELETED)) {
        deleted++;
        if (origin == null) notResurrected++;
        else problems.add(e.getKey() + " was deleted live but exists in the new cluster (resurrected)");
      } else {
        expected++;
        if (e.getValue().equals(origin)) preserved++;
        else problems.add(e.getKey() + ": expected the live version " + e.getValue() + ", found " + origin);
      }
    }
    return new LiveCheck(preserved, expected, notResurrected, deleted, problems);
  }

  boolean holds() {
    return problems.isEmpty();
  }
}
