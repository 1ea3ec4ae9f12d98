package io.backfillfleet.coordinator;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * A worker's ephemeral registration under {@code workers/}, kept alive across reconnects by Curator's
 * {@link PersistentNode} recipe and gone with the session. Lifecycle: {@link #start(Duration)}, {@link #close()}.
 */
public final class WorkerRegistration implements AutoCloseable {
  private final PersistentNode node;
  static final long REPORT_EVERY_MS = 10_000;
  private volatile WorkerInfo info;
  private long lastWrite = System.nanoTime();

  public WorkerRegistration(CoordinatorConnection conn, String job, WorkerInfo info) {
    this.info = info;
    this.node = new PersistentNode(conn.curator(), CreateMode.EPHEMERAL, false,
        conn.layout(job).workerPath(info.workerId()), NodeCodec.encode(info));
  }

  public WorkerRegistration start(Duration timeout) {
    node.start();
    try {
      if (!node.waitForInitialCreate(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new CoordinationException("could not register worker " + info.workerId() + " within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CoordinationException("interrupted while registering worker " + info.workerId(), e);
    }
    return this;
  }

  /**
   * Publishes what the worker does now (slices held, rate) for status: at once when the slices held changed, else at
   * most every {@value #REPORT_EVERY_MS} ms (a thousand workers reporting twice a second is 2,000 writes a second for
   * a number on a screen).
   */
  public synchronized void update(WorkerInfo newInfo) {
    long now = System.nanoTime();
    if (newInfo.slicesHeld().equals(info.slicesHeld()) && now - lastWrite < REPORT_EVERY_MS * 1_000_000L) return;
    lastWrite = now;
    this.info = newInfo;
    try {
      node.setData(NodeCodec.encode(newInfo));
    } catch (Exception e) {
      // status is informational; the next update will try again
    }
  }

  public WorkerInfo info() {
    return info;
  }

  @Override
  public void close() throws IOException {
    node.close();
  }
}
