package io.backfillfleet.cli;

import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobLayout;
import io.backfillfleet.coordinator.ZkSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the coordination is, for every command that talks to ZooKeeper: --zk/--root, or the job file's
 * zookeeper section. Credentials only from BACKFILL_ZK_DIGEST or BACKFILL_ZK_DIGEST_FILE.
 */
final class ZkOptions {
  @Option(names = "--zk", paramLabel = "CONNECT", description = "ZooKeeper connect string, e.g. zk-0:2181,zk-1:2181.")
  String connect;

  @Option(names = "--root", paramLabel = "PATH", description = "ZooKeeper root of backfill-fleet (default /backfill).")
  String root;

  @Option(names = "--job-file", paramLabel = "FILE", description = "Take ZooKeeper and the job name from this job file.")
  Path jobFile;

  @Option(names = "--job", paramLabel = "NAME", description = "The job.")
  String job;

  @Option(names = "--zk-session-seconds", defaultValue = "15", paramLabel = "S",
      description = "ZooKeeper session timeout: how long after a crash a worker's claims vanish (default ${DEFAULT-VALUE}).")
  int sessionSeconds;

  private JobFile loaded;

  /** The job file, read once; null when none was given. */
  JobFile file() {
    if (loaded == null && jobFile != null) loaded = JobFileLoader.load(jobFile);
    return loaded;
  }

  String job() {
    JobFile f = file();
    String name = job != null ? job : f == null ? null : f.job();
    if (name == null) throw new UsageException("which job? give --job NAME (or --job-file with 'job:')");
    return JobLayout.requireValidName("job name", name);
  }

  ZkSettings settings() {
    JobFile f = file();
    String c = connect != null ? connect : f == null || f.zookeeper() == null ? null : f.zookeeper().connect();
    String r = root != null ? root : f == null || f.zookeeper() == null ? null : f.zookeeper().root();
    if (c == null) throw new UsageException("where is ZooKeeper? give --zk HOST:PORT (or --job-file with zookeeper.connect)");
    if (sessionSeconds < 2 || sessionSeconds > 300) throw new UsageException("--zk-session-seconds must be 2..300");
    return ZkSettings.fromEnvironment(c, r).withSessionTimeout(java.time.Duration.ofSeconds(sessionSeconds));
  }

  CoordinatorConnection connect() {
    return new CoordinatorConnection(settings()).start();
  }
}
