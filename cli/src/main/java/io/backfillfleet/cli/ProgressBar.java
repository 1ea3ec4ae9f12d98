package io.backfillfleet.cli;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, drawn only for a person at a terminal. */
final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean enabled;
  private boolean drawn;

  ProgressBar(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  void update(int done, int total) {
    if (!enabled || total <= 0) return;
    int filled = (int) ((long) WIDTH * done / total);
    err.printf("\rmeasuring tenants [%s%s] %d/%d", "=".repeat(filled), " ".repeat(WIDTH - filled), done, total);
    err.flush();
    drawn = true;
  }

  @Override
  public void close() {
    if (drawn) {
      err.println();
      err.flush();
    }
  }
}
