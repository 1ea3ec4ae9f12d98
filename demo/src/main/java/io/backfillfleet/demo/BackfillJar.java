package io.backfillfleet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real 'backfill' jar as separate processes, as a user or Kubernetes would. */
final class BackfillJar {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path jar;
  private final Path dir;

  BackfillJar(Path jar, Path dir) {
    this.jar = jar;
    this.dir = dir;
  }

  record Result(int code, String out, String err) {}

  /** Runs one command to its end. */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(ToolCores.pin(cmd)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int code = p.waitFor();
    Result r = new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Starts a long-running command (the read mirror) whose output goes to NAME.log. */
  Process start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(ToolCores.pin(cmd)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
  }

  /** Starts a worker process whose output is appended to worker-ID.log. */
  Process startWorker(Path jobFile, String workerId, String... extra) throws IOException {
    return startWorker(jobFile, workerId, List.of(), extra);
  }

  /** Starts a worker process with these JVM options (e.g. a benchmark-only system property) before the jar. */
  Process startWorker(Path jobFile, String workerId, List<String> jvmOptions, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m"));
    cmd.addAll(jvmOptions);
    // for profiling a benchmark's workers only, e.g. BENCH_WORKER_JVM_OPTS=-XX:StartFlightRecording=filename=/tmp/jfr/
    String opts = System.getenv("BENCH_WORKER_JVM_OPTS");
    if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
    cmd.addAll(List.of("-jar", jar.toString(), "work", "--job-file", jobFile.toString(), "--worker-id", workerId));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(ToolCores.pin(cmd)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("worker-" + workerId + ".log").toFile())).start();
  }

  /** 'backfill status --format json', or null when it could not be read right now. */
  JsonNode status(Path jobFile) throws IOException, InterruptedException {
    Result r = run("status", "--job-file", jobFile.toString(), "--format", "json");
    return r.code() == 0 ? JSON.readTree(r.out()) : null;
  }

  static String javaBin() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
