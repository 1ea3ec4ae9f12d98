package io.backfillfleet.coordinator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;

/**
 * Follows the ZooKeeper connection for the claims of this process.
 *
 * <p>SUSPENDED: nobody may checkpoint until RECONNECTED (a write now could race a new holder we cannot see).
 * LOST: the session is treated as expired, so every claim taken before is gone; {@link #sessionEpoch()}
 * moves on and claims compare it with the epoch they were taken in.
 */
public final class ConnectionGate implements ConnectionStateListener {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final AtomicLong sessionEpoch = new AtomicLong();
  private volatile boolean connected = true;

  @Override
  public void stateChanged(CuratorFramework client, ConnectionState newState) {
    lock.lock();
    try {
      switch (newState) {
        case SUSPENDED -> connected = false;
        case LOST -> {
          connected = false;
          sessionEpoch.incrementAndGet();
        }
        case CONNECTED, RECONNECTED -> connected = true;
        default -> { }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Increases every time the session is lost; claims taken under an older value are gone. */
  public long sessionEpoch() {
    return sessionEpoch.get();
  }

  public boolean isConnected() {
    return connected;
  }

  /** Waits until the connection is usable; false if it did not come back within {@code timeout}. */
  public boolean awaitConnected(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (!connected) {
        if (nanos <= 0) return false;
        nanos = changed.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
