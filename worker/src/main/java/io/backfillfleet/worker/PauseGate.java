package io.backfillfleet.worker;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Holds copying while the job's control node says paused; checked before every page. */
final class PauseGate {
  private static final Duration POLL = Duration.ofMillis(200);
  private final Supplier<Boolean> paused;

  PauseGate(Supplier<Boolean> paused) {
    this.paused = paused;
  }

  boolean isPaused() {
    return Boolean.TRUE.equals(paused.get());
  }

  /** Waits while paused; false if a stop was requested meanwhile. */
  boolean awaitRunning(BooleanSupplier stopRequested) {
    while (isPaused()) {
      if (stopRequested.getAsBoolean()) return false;
      try {
        Thread.sleep(POLL.toMillis()); // the control node is followed by a cache; polling it costs nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
