package io.backfillfleet.testkit;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes the servers a test JVM shared, newest first, when the JVM exits, so no server outlives the build.
 * (Elasticsearch child processes also die with the JVM through PR_SET_PDEATHSIG.)
 */
final class ServerRegistry {
  private static final Deque<Runnable> CLOSERS = new ArrayDeque<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ServerRegistry::closeAll, "testkit-shutdown"));
  }

  private ServerRegistry() {}

  static synchronized void closeAtExit(String what, AutoCloseable server) {
    CLOSERS.push(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("testkit: closing " + what + " failed: " + e);
      }
    });
  }

  private static synchronized void closeAll() {
    while (!CLOSERS.isEmpty()) CLOSERS.pop().run();
  }
}
