package io.backfillfleet.coordinator;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads work nodes bucket by bucket, pipelined: for the few commands that need every slice (verify, repair, status with
 * {@code --tenant} or {@code --state}), never for a worker's claims or a summary. A node that cannot be decoded is put
 * in {@code corrupt} instead of failing the scan; one that cannot be read fails it.
 */
public final class SliceScan {
  private final CoordinatorConnection conn;

  public SliceScan(CoordinatorConnection conn) {
    this.conn = conn;
  }

  /** One bucket's slices: id -> work node with its version. */
  Map<String, Versioned<WorkNode>> bucket(JobLayout layout, String bucket, Map<String, String> corrupt) {
    return buckets(layout, List.of(bucket), corrupt);
  }

  /** Every slice of these buckets: id -> work node with its version, sorted by id. */
  Map<String, Versioned<WorkNode>> buckets(JobLayout layout, List<String> buckets, Map<String, String> corrupt) {
    BulkReader bulk = new BulkReader(conn);
    Map<String, List<String>> listings = bulk.children("listing slices of job " + layout.job(),
        buckets.stream().map(layout::slicesPath).toList());
    List<String> paths = listings.entrySet().stream()
        .flatMap(e -> e.getValue().stream().map(id -> e.getKey() + "/" + id)).toList();
    Map<String, Versioned<WorkNode>> out = new TreeMap<>();
    bulk.read("reading slices of job " + layout.job(), paths).forEach((path, n) -> {
      String id = path.substring(path.lastIndexOf('/') + 1);
      try {
        out.put(id, new Versioned<>(NodeCodec.decode(path, n.data(), WorkNode.class), n.stat().getVersion()));
      } catch (CorruptNodeException e) {
        corrupt.put(id, e.getMessage());
      }
    });
    return out;
  }
}
