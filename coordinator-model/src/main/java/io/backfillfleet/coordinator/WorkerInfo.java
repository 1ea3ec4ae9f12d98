package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** The ephemeral registration {@code /backfill/jobs/<job>/workers/<workerId>} of a live worker. */
public record WorkerInfo(
    @JsonProperty(required = true) int schema,
    @JsonProperty(required = true) String workerId,
    String host,
    Instant startedAt,
    List<String> slicesHeld,
    double docsPerSecond) {

  public static final int SCHEMA = 1;

  public WorkerInfo {
    JobLayout.requireValidName("worker id", workerId);
    slicesHeld = slicesHeld == null ? List.of() : List.copyOf(slicesHeld);
  }

  /** This machine's name for claims and registrations: the pod name on Kubernetes (HOSTNAME). */
  public static String localHost() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) return env;
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown-host";
    }
  }

  public WorkerInfo withActivity(List<String> held, double rate) {
    return new WorkerInfo(schema, workerId, host, startedAt, held, rate);
  }
}
