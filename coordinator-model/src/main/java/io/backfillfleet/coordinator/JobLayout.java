package io.backfillfleet.coordinator;

import java.util.regex.Pattern;

/**
 * Where a job's nodes live in ZooKeeper (layout 2, issue 16). Every per-slice folder is split into buckets
 * ({@link Buckets}: about 512 slices each, so no listing grows with the job):
 * <pre>
 * &lt;root&gt;/jobs/&lt;job&gt;                           persistent  {@link JobSpec} (its bucket count)
 * &lt;root&gt;/jobs/&lt;job&gt;/slices/&lt;b&gt;/&lt;sliceId&gt;     persistent  {@link WorkNode}
 * &lt;root&gt;/jobs/&lt;job&gt;/open/&lt;b&gt;/&lt;sliceId&gt;       persistent, empty: the slice is PENDING (held or not)
 * &lt;root&gt;/jobs/&lt;job&gt;/claims/&lt;b&gt;               persistent  {@link BucketTally}: the bucket's accounting
 * &lt;root&gt;/jobs/&lt;job&gt;/claims/&lt;b&gt;/&lt;sliceId&gt;     ephemeral   {@link ClaimInfo}
 * &lt;root&gt;/jobs/&lt;job&gt;/rejected/&lt;b&gt;/&lt;sliceId&gt;   persistent  {@link SliceRejections}
 * &lt;root&gt;/jobs/&lt;job&gt;/changed/&lt;b&gt;/&lt;sliceId&gt;    persistent  {@link SliceRejections} of changed documents
 * &lt;root&gt;/jobs/&lt;job&gt;/workers/&lt;workerId&gt;        ephemeral   {@link WorkerInfo}
 * &lt;root&gt;/jobs/&lt;job&gt;/idle/&lt;workerId&gt;           ephemeral   empty: a worker with a free slot found no free slice
 * &lt;root&gt;/jobs/&lt;job&gt;/control                   persistent  {@link JobControl}
 * &lt;root&gt;/jobs/&lt;job&gt;/target-tuning             persistent  {@link TargetTuningNode}, only with --tune-target
 * </pre>
 * An {@code open/<b>} folder exists only while its bucket has an open slice, so the listing of {@code open} is the
 * buckets that still have work, and an empty one says, authoritatively, that no slice is pending or held. A bucket's
 * claims folder carries its tally as data, so one read gives a bucket's accounting and (its child count) its claims.
 */
public record JobLayout(String root, String job) {

  public static final String DEFAULT_ROOT = "/backfill";
  /** Safe as one znode name and in a shell, a URL and a Kubernetes label value. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  public JobLayout {
    root = normalizeRoot(root);
    requireValidName("job name", job);
  }

  public static String normalizeRoot(String root) {
    if (root == null || root.isBlank()) return DEFAULT_ROOT;
    String r = root.trim();
    if (!r.startsWith("/")) {
      throw new IllegalArgumentException("ZooKeeper root path '" + root + "' must start with '/', e.g. /backfill");
    }
    while (r.length() > 1 && r.endsWith("/")) r = r.substring(0, r.length() - 1);
    return r;
  }

  /** Job names, slice ids and worker ids become znode names; reject what ZooKeeper or a shell would trip on. */
  public static String requireValidName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals("..")) {
      throw new IllegalArgumentException(what + " '" + name + "' is not valid: use 1-200 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit");
    }
    return name;
  }

  public static String jobsPath(String root) {
    return normalizeRoot(root) + "/jobs";
  }

  public String jobPath() {
    return jobsPath(root) + "/" + job;
  }

  public String slicesPath() {
    return jobPath() + "/slices";
  }

  public String slicesPath(String bucket) {
    return slicesPath() + "/" + bucket;
  }

  public String slicePath(String bucket, String sliceId) {
    return slicesPath(bucket) + "/" + sliceId;
  }

  public String openPath() {
    return jobPath() + "/open";
  }

  public String openPath(String bucket) {
    return openPath() + "/" + bucket;
  }

  public String openPath(String bucket, String sliceId) {
    return openPath(bucket) + "/" + sliceId;
  }

  public String claimsPath() {
    return jobPath() + "/claims";
  }

  public String claimsPath(String bucket) {
    return claimsPath() + "/" + bucket;
  }

  public String claimPath(String bucket, String sliceId) {
    return claimsPath(bucket) + "/" + sliceId;
  }

  /** A bucket's tally is the data of its claims folder: one read, and the folder's child count is its claims. */
  public String tallyPath(String bucket) {
    return claimsPath(bucket);
  }

  public String rejectedPath() {
    return jobPath() + "/rejected";
  }

  public String rejectedPath(String bucket) {
    return rejectedPath() + "/" + bucket;
  }

  /** Documents written with values the target could not hold as they were: a sample per slice, as rejected ones. */
  public String changedPath(String bucket) {
    return jobPath() + "/changed/" + bucket;
  }

  public String workersPath() {
    return jobPath() + "/workers";
  }

  public String workerPath(String workerId) {
    return workersPath() + "/" + workerId;
  }

  /** Workers with a free slot and nothing to claim ({@link IdleWorkers}); created on first use. */
  public String idlePath() {
    return jobPath() + "/idle";
  }

  public String idlePath(String workerId) {
    return idlePath() + "/" + workerId;
  }

  /**
   * Written after every split (its data: the newest successor's id), so idle workers, which follow it, look for the
   * successor at once instead of at the end of their idle back-off; and by the first worker that finds no slice open
   * (data "no slice open"), so they see the job end at once. Created on first use.
   */
  public String splitSignalPath() {
    return jobPath() + "/split-signal";
  }

  public String controlPath() {
    return jobPath() + "/control";
  }

  public String tuningPath() {
    return jobPath() + "/target-tuning";
  }
}
