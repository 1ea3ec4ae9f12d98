package io.backfillfleet.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.worker.RejectedFile;
import io.backfillfleet.worker.RejectionPolicy;
import java.util.List;

/**
 * The job file (YAML): what the planner and the workers read, and what the Helm chart mounts. Secrets are
 * never in it, only the names of the environment variables or files that hold them.
 *
 * <pre>
 * job: orders-2024
 * zookeeper: {connect: "zk-0:2181,zk-1:2181,zk-2:2181", root: /backfill}
 * source: {engine: solr, zkHost: "legacy-zk:2181/solr", collection: orders}
 * target: {engine: elasticsearch, endpoints: ["https://es-new:9200"], collection: orders, passwordEnv: ES_PASSWORD, username: backfill}
 * plan: {docsPerSlice: 200000, docsPerSecond: 15000, workers: 8, maxAttempts: 5}
 * errors: {tolerance: all, maxRejected: 10000, maxRejectedRatio: 0.01}   # optional; see RejectionPolicy
 * rejected: {file: "/var/log/backfill/rejected-{worker}.jsonl"}          # optional; see RejectedFile
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record JobFile(String job, Zookeeper zookeeper, StoreConfig source, StoreConfig target, PlanSettings plan,
    FieldMapping fieldMapping, RejectionPolicy errors, RejectedFile rejected) {

  /** Where the coordination lives. */
  public record Zookeeper(String connect, String root) {}

  /**
   * How to slice and what to assume for estimates.
   *
   * @param docsPerSecond one worker's copy rate, for estimates and for {@code minutesPerSlice}
   */
  public record PlanSettings(Long docsPerSlice, Double minutesPerSlice, Double docsPerSecond, Integer workers,
      Integer maxAttempts, List<String> tenants, List<String> exclude) {}
}
