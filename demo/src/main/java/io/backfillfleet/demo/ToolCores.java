package io.backfillfleet.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the benchmarks' copy tools run. scripts/bench-peers.sh starts the harness (and so the clusters it starts)
 * under {@code taskset -c <bench.cluster.cpus>} and passes the other cores as {@code bench.tool.cpus}: every tool
 * process (worker JVMs, the 'backfill plan' one-shot, elasticdump) is started under {@code taskset -c} on those, as
 * worker pods run on other nodes than the clusters. Without the property nothing is pinned (the other harnesses).
 */
final class ToolCores {
  static final String TOOL_CPUS = "bench.tool.cpus";
  static final String CLUSTER_CPUS = "bench.cluster.cpus";

  private ToolCores() {}

  /** {@code cmd}, prefixed with {@code taskset -c <tool cores>} when pinning is on. */
  static List<String> pin(List<String> cmd) {
    String cpus = System.getProperty(TOOL_CPUS, "");
    if (cpus.isBlank()) return cmd;
    List<String> pinned = new ArrayList<>(List.of("taskset", "-c", cpus.trim()));
    pinned.addAll(cmd);
    return pinned;
  }

  static String describe() {
    String tools = System.getProperty(TOOL_CPUS, "");
    if (tools.isBlank()) return "not pinned: clusters and copy tools share every core";
    return "pinned: clusters, ZooKeeper, the harness and the in-cluster peers on cores "
        + System.getProperty(CLUSTER_CPUS, "?") + "; copy tools (worker JVMs, 'backfill plan', elasticdump) on cores "
        + tools.trim();
  }
}
