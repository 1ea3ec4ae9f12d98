package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ZooKeeper keeps of a slice's rejected documents: {@code <root>/jobs/<job>/rejected/<sliceId>}, one node per
 * slice, bounded whatever the number of rejections (the full list goes to the worker's file sink, if the job names
 * one).
 *
 * @param count  the documents of the slice's window rejected up to the position its holder reached: the holder's
 *               running count, which restarts from the checkpointed count when a slice is resumed, so a page copied
 *               again after a crash or a takeover is counted once (the count is keyed by the cursor, not by ids)
 * @param epoch  the claim epoch of the holder that wrote it; a holder of an older epoch (fenced) changes nothing
 * @param sample the first {@value #SAMPLE_SIZE} distinct ids with their reasons (an id recorded again is kept once)
 */
public record SliceRejections(int schema, String sliceId, long epoch, long count,
    @JsonAlias("docs") List<RejectedDoc> sample) {
  public static final int SCHEMA = 2;
  /** Ids kept per slice. */
  public static final int SAMPLE_SIZE = 100;
  /** Longest id and reason kept (cut with "..."): 100 of them stay far below ZooKeeper's 1 MiB node limit. */
  static final int MAX_ID = 256;
  static final int MAX_REASON = 500;

  public SliceRejections {
    sample = sample == null ? List.of() : List.copyOf(sample);
  }

  static SliceRejections empty(String sliceId) {
    return new SliceRejections(SCHEMA, sliceId, 0, 0, List.of());
  }

  /**
   * This node after a holder of {@code holderEpoch}, whose slice count of rejections is now {@code countSoFar},
   * recorded {@code rejected}. Recording the same documents again changes nothing.
   */
  SliceRejections recorded(long holderEpoch, long countSoFar, List<RejectedDoc> rejected) {
    if (holderEpoch < epoch) return this;
    Map<String, RejectedDoc> kept = new LinkedHashMap<>();
    for (RejectedDoc d : sample) kept.put(d.id(), d);
    for (RejectedDoc d : rejected) {
      if (kept.size() >= SAMPLE_SIZE) break;
      RejectedDoc cut = new RejectedDoc(cut(d.id(), MAX_ID), cut(d.reason(), MAX_REASON));
      kept.putIfAbsent(cut.id(), cut);
    }
    return new SliceRejections(SCHEMA, sliceId, holderEpoch, countSoFar, new ArrayList<>(kept.values()));
  }

  /**
   * Folds a node of the old layout (schema 1: {@code rejected/<sliceId>-<seq>}, a batch of up to 200 documents per
   * page, uncounted) into this slice's: its documents are counted and sampled.
   */
  SliceRejections withLegacyBatch(SliceRejections batch) {
    return new SliceRejections(SCHEMA, sliceId, epoch, count, sample)
        .recorded(epoch, count + batch.sample().size(), batch.sample());
  }

  private static String cut(String s, int max) {
    if (s == null) return "";
    return s.length() > max ? s.substring(0, max) + "..." : s;
  }
}
