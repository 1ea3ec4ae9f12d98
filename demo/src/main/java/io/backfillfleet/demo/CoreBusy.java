package io.backfillfleet.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How busy a set of cores was, from {@code /proc/stat}'s per-core jiffies: what bounded a benchmark row (the tool
 * core saturated by worker JVMs, or the cluster core). Busy = all time but idle and iowait.
 */
final class CoreBusy {
  /** Cumulative jiffies of the tool cores and the cluster cores (0 where not pinned or not readable). */
  record Reading(long toolBusy, long toolTotal, long clusterBusy, long clusterTotal) {
    static final Reading NONE = new Reading(0, 0, 0, 0);

    /** "tool cores 97 % busy, cluster cores 100 %" over the time from {@code earlier} to this, or "". */
    String busySince(Reading earlier) {
      long tool = toolTotal - earlier.toolTotal;
      long cluster = clusterTotal - earlier.clusterTotal;
      if (tool <= 0 || cluster <= 0) return "";
      return String.format(java.util.Locale.ROOT, "; tool cores %.0f %% busy, cluster cores %.0f %%",
          100.0 * (toolBusy - earlier.toolBusy) / tool, 100.0 * (clusterBusy - earlier.clusterBusy) / cluster);
    }
  }

  private final Set<String> tool;
  private final Set<String> cluster;

  private CoreBusy(Set<String> tool, Set<String> cluster) {
    this.tool = tool;
    this.cluster = cluster;
  }

  /** The cores of {@code bench.tool.cpus} and {@code bench.cluster.cpus} (e.g. "1" or "2,3"). */
  static CoreBusy ofPinning() {
    return new CoreBusy(cores(System.getProperty(ToolCores.TOOL_CPUS, "")),
        cores(System.getProperty(ToolCores.CLUSTER_CPUS, "")));
  }

  /** "0-2,5" as {"cpu0", "cpu1", "cpu2", "cpu5"}. */
  static Set<String> cores(String list) {
    Set<String> out = new HashSet<>();
    for (String part : list.trim().split(",")) {
      if (part.isBlank()) continue;
      String[] r = part.trim().split("-");
      int from = Integer.parseInt(r[0]);
      int to = r.length > 1 ? Integer.parseInt(r[1]) : from;
      for (int c = from; c <= to; c++) out.add("cpu" + c);
    }
    return out;
  }

  Reading read() {
    if (tool.isEmpty() || cluster.isEmpty()) return Reading.NONE;
    try {
      return of(Files.readAllLines(Path.of("/proc/stat")));
    } catch (IOException | RuntimeException e) {
      return Reading.NONE;
    }
  }

  /** Sums the per-core lines ("cpuN user nice system idle iowait irq softirq steal ...") of each set. */
  Reading of(List<String> procStat) {
    long[] sums = new long[4];
    for (String line : procStat) {
      String[] f = line.trim().split("\\s+");
      boolean isTool = tool.contains(f[0]);
      if (!isTool && !cluster.contains(f[0])) continue;
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]);
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      int at = isTool ? 0 : 2;
      sums[at] += total - idle;
      sums[at + 1] += total;
    }
    return new Reading(sums[0], sums[1], sums[2], sums[3]);
  }
}
