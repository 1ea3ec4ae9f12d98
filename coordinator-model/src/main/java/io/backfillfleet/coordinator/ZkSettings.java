package io.backfillfleet.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach ZooKeeper. The digest credentials ("user:password") come only from the environment
 * ({@value #DIGEST_ENV}) or a file named by {@value #DIGEST_FILE_ENV}, never from arguments, and are
 * never printed.
 */
public record ZkSettings(String connectString, String root, Duration sessionTimeout, Duration connectionTimeout,
    Optional<String> digest) {

  public static final String DIGEST_ENV = "BACKFILL_ZK_DIGEST";
  public static final String DIGEST_FILE_ENV = "BACKFILL_ZK_DIGEST_FILE";

  public ZkSettings {
    if (connectString == null || connectString.isBlank()) {
      throw new IllegalArgumentException("ZooKeeper connect string is missing (e.g. zk-0:2181,zk-1:2181,zk-2:2181)");
    }
    root = JobLayout.normalizeRoot(root);
    sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(15) : sessionTimeout;
    connectionTimeout = connectionTimeout == null ? Duration.ofSeconds(10) : connectionTimeout;
    digest = digest == null ? Optional.empty() : digest;
    digest.ifPresent(d -> {
      if (d.indexOf(':') <= 0) throw new IllegalArgumentException("ZooKeeper digest credentials must be 'user:password'");
    });
  }

  public static ZkSettings of(String connectString, String root) {
    return new ZkSettings(connectString, root, null, null, Optional.empty());
  }

  /** Settings with credentials taken from the process environment. */
  public static ZkSettings fromEnvironment(String connectString, String root) {
    return of(connectString, root).withDigest(digestFrom(System.getenv()));
  }

  public ZkSettings withDigest(Optional<String> d) {
    return new ZkSettings(connectString, root, sessionTimeout, connectionTimeout, d);
  }

  public ZkSettings withSessionTimeout(Duration d) {
    return new ZkSettings(connectString, root, d, connectionTimeout, digest);
  }

  static Optional<String> digestFrom(Map<String, String> env) {
    String inline = env.get(DIGEST_ENV);
    if (inline != null && !inline.isBlank()) return Optional.of(inline.trim());
    String file = env.get(DIGEST_FILE_ENV);
    if (file == null || file.isBlank()) return Optional.empty();
    try {
      return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read ZooKeeper credentials file " + file + " (from " + DIGEST_FILE_ENV
          + "): " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "ZkSettings[" + connectString + root + ", session " + sessionTimeout.toSeconds() + "s"
        + (digest.isPresent() ? ", digest auth as " + digest.get().substring(0, digest.get().indexOf(':')) : "") + "]";
  }
}
