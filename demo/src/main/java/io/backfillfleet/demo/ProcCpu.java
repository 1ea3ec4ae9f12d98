package io.backfillfleet.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.DoubleSupplier;

/**
 * CPU seconds used so far, read from /proc/PID/stat (utime + stime, fields 14 and 15, in clock ticks). A meter is
 * read before and after a copy; the difference is what the copy cost that process.
 */
final class ProcCpu {
  private static final double TICKS_PER_SECOND = clockTicks();

  private ProcCpu() {}

  /** A labelled CPU meter. */
  record Meter(String label, DoubleSupplier seconds) {
    double read() {
      return seconds.getAsDouble();
    }
  }

  /**
   * A process and every live descendant: an Elasticsearch launcher's server JVM is its child. A descendant that
   * exited during the copy is missed (its time goes to its parent only when reaped); servers' processes do not exit.
   */
  static Meter tree(String label, long pid) {
    return new Meter(label, () -> {
      ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(label + " (pid " + pid
          + ") is not running"));
      double s = seconds(pid, 13, 14);
      for (ProcessHandle d : (Iterable<ProcessHandle>) h.descendants()::iterator) s += seconds(d.pid(), 13, 14);
      return s;
    });
  }

  /** This JVM's own threads only (not its children): the Solr 9 target and ZooKeeper run in it. */
  static Meter self(String label) {
    return new Meter(label, () -> seconds(ProcessHandle.current().pid(), 13, 14));
  }

  /**
   * The children this JVM started, waited for and so reaped (cutime + cstime, fields 16 and 17): the tool processes,
   * which have exited by the time the copy is measured. The servers it started are still running and not in it.
   */
  static Meter reapedChildren(String label) {
    return new Meter(label, () -> seconds(ProcessHandle.current().pid(), 15, 16));
  }

  /** Fields {@code a} and {@code b} (0-based, field 1 = index 0) of /proc/PID/stat in seconds; 0 if it just exited. */
  private static double seconds(long pid, int a, int b) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return 0; // a descendant that exited between the listing and the read
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // field 2 is the command in parentheses and may hold spaces: count the fields after the last ')', which is field 3
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(f[a - 2]) + Long.parseLong(f[b - 2])) / TICKS_PER_SECOND;
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 ? Double.parseDouble(out) : 100;
    } catch (IOException | NumberFormatException e) {
      return 100; // the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
