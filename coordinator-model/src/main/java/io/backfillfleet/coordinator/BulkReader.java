package io.backfillfleet.coordinator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads many nodes or listings at once, pipelined: up to {@value #IN_FLIGHT} requests are on the wire together, so the
 * time is bound by ZooKeeper's throughput, not by one round trip per node (a status over 2,000 buckets takes the same
 * time on loopback and across regions). Any answer other than "no node" fails the whole read: a partial view is never
 * returned as if it were whole.
 */
final class BulkReader {
  static final int IN_FLIGHT = 500;

  /** A node's bytes and stat. */
  record Node(byte[] data, Stat stat) {}

  private final CoordinatorConnection conn;

  BulkReader(CoordinatorConnection conn) {
    this.conn = conn;
  }

  /** path -> node, in the order given; a path whose node does not exist is left out. */
  Map<String, Node> read(String what, Collection<String> paths) {
    Map<String, Node> got = new ConcurrentHashMap<>();
    run(what, paths, (zk, path, done) -> zk.getData().inBackground((c, e) -> {
      if (e.getResultCode() == 0) got.put(path, new Node(e.getData(), e.getStat()));
      done.accept(e);
    }).forPath(path));
    Map<String, Node> ordered = new LinkedHashMap<>();
    for (String p : paths) {
      Node n = got.get(p);
      if (n != null) ordered.put(p, n);
    }
    return ordered;
  }

  /** path -> its children's names; a path that does not exist is left out. */
  Map<String, List<String>> children(String what, Collection<String> paths) {
    Map<String, List<String>> got = new ConcurrentHashMap<>();
    run(what, paths, (zk, path, done) -> zk.getChildren().inBackground((c, e) -> {
      if (e.getResultCode() == 0) got.put(path, e.getChildren());
      done.accept(e);
    }).forPath(path));
    Map<String, List<String>> ordered = new LinkedHashMap<>();
    for (String p : paths) {
      List<String> n = got.get(p);
      if (n != null) ordered.put(p, n);
    }
    return ordered;
  }

  private interface Request {
    void send(CuratorFramework zk, String path, java.util.function.Consumer<CuratorEvent> done) throws Exception;
  }

  private void run(String what, Collection<String> paths, Request request) {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicReference<KeeperException> failure = new AtomicReference<>();
    List<String> all = new ArrayList<>(paths);
    conn.call(what, () -> {
      for (String path : all) {
        if (failure.get() != null) break;
        acquire(slots, what);
        request.send(conn.curator(), path, e -> {
          int rc = e.getResultCode();
          if (rc != 0 && rc != KeeperException.Code.NONODE.intValue()) {
            failure.compareAndSet(null, KeeperException.create(KeeperException.Code.get(rc), e.getPath()));
          }
          slots.release();
        });
      }
      acquire(slots, what, IN_FLIGHT); // every answer is in
      slots.release(IN_FLIGHT);
      if (failure.get() != null) throw failure.get();
      return null;
    });
  }

  private void acquire(Semaphore slots, String what) throws InterruptedException, KeeperException {
    acquire(slots, what, 1);
  }

  /** Waits for answers no longer than a session: past that the connection is gone and Curator reports it. */
  private void acquire(Semaphore slots, String what, int n) throws InterruptedException, KeeperException {
    long waitMs = conn.settings().sessionTimeout().toMillis() + conn.settings().connectionTimeout().toMillis();
    if (!slots.tryAcquire(n, waitMs, TimeUnit.MILLISECONDS)) {
      throw new KeeperException.OperationTimeoutException();
    }
  }
}
