package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a whole {@link JobStatus}: every work node (pipelined, bucket by bucket), every claim and worker. For the
 * commands that need each slice (verify, repair, the slice listings of status); {@link JobSummaryReader} answers
 * status without reading every slice.
 */
public final class JobStatusReader {
  private final CoordinatorConnection conn;

  public JobStatusReader(CoordinatorConnection conn) {
    this.conn = conn;
  }

  public JobStatus read(String job) {
    JobLayout layout = conn.layout(job);
    JobSpec spec = new JobRepository(conn).readSpec(job).orElseThrow(() -> JobRepository.noSuchJob(conn, job));
    Buckets buckets = spec.requireCurrentLayout();
    JobControl control = new JobControlStore(conn).read(job);
    Map<String, String> corrupt = new TreeMap<>();
    Map<String, Versioned<WorkNode>> read = new SliceScan(conn).buckets(layout, buckets.all(), corrupt);
    Map<String, WorkNode> slices = new TreeMap<>();
    Map<String, Integer> versions = new TreeMap<>();
    read.forEach((id, v) -> {
      slices.put(id, v.value());
      versions.put(id, v.version());
    });
    BulkReader bulk = new BulkReader(conn);
    List<String> claimPaths = new ArrayList<>();
    bulk.children("listing the claims of job " + job, buckets.all().stream().map(layout::claimsPath).toList())
        .forEach((folder, ids) -> ids.forEach(id -> claimPaths.add(folder + "/" + id)));
    Map<String, Versioned<ClaimInfo>> claims = new TreeMap<>();
    bulk.read("reading the claims of job " + job, claimPaths).forEach((path, n) -> {
      String id = path.substring(path.lastIndexOf('/') + 1);
      try {
        claims.put(id, new Versioned<>(NodeCodec.decode(path, n.data(), ClaimInfo.class), n.stat().getVersion()));
      } catch (CorruptNodeException e) {
        corrupt.put("claim:" + id, e.getMessage());
      }
    });
    Map<String, WorkerInfo> workers = JobSummaryReader.workers(conn, layout, bulk, corrupt);
    return new JobStatus(spec, control, slices, claims, workers, corrupt, versions);
  }
}
