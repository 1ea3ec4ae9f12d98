package io.backfillfleet.coordinator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * One ZooKeeper session for this process, with the retry policy, ACLs and connection gate every
 * coordination class shares. Lifecycle as in Curator: {@link #start()}, then {@link #close()}.
 */
public final class CoordinatorConnection implements AutoCloseable {
  private final ZkSettings settings;
  private final CuratorFramework curator;
  private final ConnectionGate gate = new ConnectionGate();

  public CoordinatorConnection(ZkSettings settings) {
    this.settings = settings;
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(settings.connectString())
        .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) settings.connectionTimeout().toMillis())
        // An ensemble leader election takes up to a few seconds: retry through it, then give up with a clear error.
        .retryPolicy(new ExponentialBackoffRetry(200, 6, 3_000));
    settings.digest().ifPresent(d -> b.authorization("digest", d.getBytes(StandardCharsets.UTF_8))
        .aclProvider(creatorOnly()));
    this.curator = b.build();
    curator.getConnectionStateListenable().addListener(gate);
  }

  /** Starts the session and waits for the first connection; fails with a clear message when ZooKeeper is not there. */
  public CoordinatorConnection start() {
    curator.start();
    try {
      if (!curator.blockUntilConnected((int) settings.connectionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        curator.close();
        throw new CoordinatorUnavailableException(settings.connectString(), "connecting",
            new KeeperException.ConnectionLossException());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      curator.close();
      throw new CoordinationException("interrupted while connecting to ZooKeeper at " + settings.connectString(), e);
    }
    return this;
  }

  public CuratorFramework curator() {
    return curator;
  }

  public ConnectionGate gate() {
    return gate;
  }

  public ZkSettings settings() {
    return settings;
  }

  public JobLayout layout(String job) {
    return new JobLayout(settings.root(), job);
  }

  /** A ZooKeeper call that may throw anything Curator throws. */
  @FunctionalInterface
  public interface ZkCall<T> {
    T call() throws Exception;
  }

  /**
   * Runs a call and turns the ways ZooKeeper can be unreachable into {@link CoordinatorUnavailableException};
   * {@code action} completes "... did not answer while &lt;action&gt;".
   */
  public <T> T call(String action, ZkCall<T> body) {
    try {
      return body.call();
    } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
        | KeeperException.OperationTimeoutException | KeeperException.SessionMovedException e) {
      throw new CoordinatorUnavailableException(settings.connectString(), action, e);
    } catch (KeeperException.NoAuthException e) {
      throw new CoordinationException("ZooKeeper refused access to " + e.getPath() + " while " + action
          + ": set " + ZkSettings.DIGEST_ENV + " (or " + ZkSettings.DIGEST_FILE_ENV + ") to the job's credentials", e);
    } catch (CoordinationException | IllegalArgumentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationException("interrupted while " + action, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CoordinationException("ZooKeeper error while " + action + ": " + e, e);
    }
  }

  /**
   * The children of {@code path} (empty if it does not exist). A listing larger than ZooKeeper's packet limit
   * ({@code jute.maxbuffer}, 1 MiB by default) makes the client drop the connection, which reads like an ensemble that
   * is down; when the node itself still answers with a large child count, the error says so instead.
   */
  public List<String> children(String action, String path) {
    try {
      return call(action, () -> {
        try {
          return curator.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
          return List.<String>of();
        }
      });
    } catch (CoordinatorUnavailableException e) {
      org.apache.zookeeper.data.Stat stat;
      try {
        stat = call("counting the children of " + path, () -> curator.checkExists().forPath(path));
      } catch (CoordinationException again) {
        throw e; // the ensemble is really not answering
      }
      if (stat != null && stat.getNumChildren() > 10_000) {
        throw new CoordinationException("the listing of " + path + " (" + stat.getNumChildren() + " children) is larger"
            + " than ZooKeeper's packet limit (jute.maxbuffer, 1 MiB by default), so ZooKeeper dropped the connection;"
            + " the ensemble itself answers. Run this command with JAVA_TOOL_OPTIONS=-Djute.maxbuffer=" + (64 << 20)
            + " (the client's limit) and, if the servers refuse, raise it on them too", e);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    curator.close();
  }

  private static ACLProvider creatorOnly() {
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return ZooDefs.Ids.CREATOR_ALL_ACL;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return ZooDefs.Ids.CREATOR_ALL_ACL;
      }
    };
  }
}
