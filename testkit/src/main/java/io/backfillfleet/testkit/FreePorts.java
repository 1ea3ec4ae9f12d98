package io.backfillfleet.testkit;

import java.io.IOException;
import java.net.ServerSocket;

/** Free TCP ports for the servers tests start. */
public final class FreePorts {
  private FreePorts() {}

  /** A port free now (the kernel's choice, so in its ephemeral range). */
  public static int any() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port: " + e, e);
    }
  }
}
