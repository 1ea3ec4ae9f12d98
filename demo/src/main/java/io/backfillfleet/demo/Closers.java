package io.backfillfleet.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a run started (servers, watchers), closed newest first: a server started on top of another stops before it.
 * A failure to close one is printed and the others still close.
 */
final class Closers implements AutoCloseable {
  private final String run;
  private final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());

  /** {@code run} names the run in the messages ("demo", "faults", ...). */
  Closers(String run) {
    this.run = run;
  }

  <T extends AutoCloseable> T add(T c) {
    started.add(c);
    return c;
  }

  @Override
  public void close() {
    List<AutoCloseable> newestFirst;
    synchronized (started) {
      newestFirst = new ArrayList<>(started);
    }
    Collections.reverse(newestFirst);
    for (AutoCloseable c : newestFirst) {
      try {
        c.close();
      } catch (Exception e) {
        System.err.println(run + ": closing: " + e.getMessage());
      }
    }
  }
}
