package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's last step, before reads would be cut over: the reads 'backfill compare --generate' builds are replayed
 * once, then sent by a reader through 'backfill mirror' while the dual-writer still writes; both verdicts are read
 * from their JSON reports.
 */
final class MirrorStep {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A verdict and what a reader of the mirror saw (every answer should be legacy's, status 2xx). */
  record Verdict(JsonNode report, long callerReads, long callerFailures) {
    boolean ready() {
      return report.path("gate").path("ready").asBoolean();
    }

    long reads() {
      return report.path("requests").asLong();
    }

    String line() {
      return String.format(java.util.Locale.ROOT, "%s, %,d reads compared, %,d differ, %,d settled on the re-ask; p99 legacy"
          + " %.1f ms, new %.1f ms", ready() ? "READY" : "NOT READY", reads(), report.path("mismatches").asLong(),
          report.path("settled").asLong(), report.path("legacy").path("latency").path("p99").asDouble(),
          report.path("candidate").path("latency").path("p99").asDouble());
    }
  }

  private final BackfillJar backfill;
  private final Path dir;
  private final Path jobFile;

  MirrorStep(BackfillJar backfill, Path dir, Path jobFile) {
    this.backfill = backfill;
    this.dir = dir;
    this.jobFile = jobFile;
  }

  private static final List<String> GATE = List.of("--settle-seconds", "2", "--max-mismatch-ratio", "0.05",
      "--max-latency-ratio", "10");

  /** Replays generated reads once; returns the verdict; the reads are left in queries.jsonl for the mirror's reader. */
  Verdict compare() throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("compare", "--job-file", jobFile.toString(), "--generate",
        "--sample-tenants", "12", "--save-queries", dir.resolve("queries.jsonl").toString(), "--json",
        dir.resolve("compare.json").toString(), "--html", dir.resolve("compare.html").toString()));
    args.addAll(GATE);
    BackfillJar.Result r = backfill.run(args.toArray(String[]::new));
    if (r.code() != 0 && r.code() != 3) throw new IllegalStateException("compare failed: " + r.err());
    return new Verdict(JSON.readTree(dir.resolve("compare.json").toFile()), 0, 0);
  }

  /** Runs the mirror for {@code seconds} with a reader sending the saved reads through it. */
  Verdict mirror(int seconds) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> args = new ArrayList<>(List.of("mirror", "--job-file", jobFile.toString(), "--listen",
        Integer.toString(port), "--duration", Integer.toString(seconds), "--report-seconds", "5", "--json",
        dir.resolve("mirror.json").toString(), "--html", dir.resolve("mirror.html").toString()));
    args.addAll(GATE);
    Process mirror = backfill.start("mirror", args.toArray(String[]::new));
    awaitPort(port, mirror);
    long started = System.nanoTime();
    List<HttpRequest> reads = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
      JsonNode legacy = JSON.readTree(line).path("legacy");
      String target = legacy.path("path").asText() + (legacy.has("query") ? "?" + legacy.path("query").asText() : "");
      JsonNode body = legacy.path("body");
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
          .timeout(Duration.ofSeconds(30));
      if (body.isMissingNode()) b.GET();
      else b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      reads.add(b.build());
    }
    long sent = 0;
    long failed = 0;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // read until a second before the mirror's --duration ends (it stops listening then, and reports)
    long until = started + TimeUnit.SECONDS.toNanos(seconds - 1);
    for (int i = 0; mirror.isAlive() && System.nanoTime() < until; i = (i + 1) % reads.size()) {
      try {
        HttpResponse<Void> r = http.send(reads.get(i), HttpResponse.BodyHandlers.discarding());
        sent++;
        if (r.statusCode() >= 300) failed++;
      } catch (IOException e) {
        failed++;
      }
    }
    if (!mirror.waitFor(120, TimeUnit.SECONDS)) {
      mirror.destroyForcibly();
      throw new IllegalStateException("the mirror did not stop; see " + dir.resolve("mirror.log"));
    }
    if (mirror.exitValue() != 0 && mirror.exitValue() != 3) {
      throw new IllegalStateException("the mirror exited " + mirror.exitValue() + "; see " + dir.resolve("mirror.log"));
    }
    return new Verdict(JSON.readTree(dir.resolve("mirror.json").toFile()), sent, failed);
  }

  private static void awaitPort(int port, Process mirror) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && mirror.isAlive()) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(200); // the mirror's JVM is starting
      }
    }
    throw new IllegalStateException("the mirror did not start listening on port " + port);
  }
}
