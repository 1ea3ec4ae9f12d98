package io.backfillfleet.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.store.StoreConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;

/**
 * The full list of rejected documents, where the job file says ({@link RejectedFile}): appended as JSON lines. A page
 * copied again after a crash or takeover appends its rejections again; read the file by (slice, id).
 */
final class RejectedFileSink {
  static final RejectedFileSink NONE = new RejectedFileSink(null, Clock.systemUTC());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;

  private RejectedFileSink(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** The sink a job names for this worker; refuses a file it cannot write, in one line, before anything is copied. */
  static RejectedFileSink of(RejectedFile config, String workerId) {
    if (config == null) return NONE;
    Path p = Path.of(config.file().replace("{worker}", workerId)).toAbsolutePath();
    if (!Files.isDirectory(p.getParent()) || !Files.isWritable(p.getParent()) || Files.exists(p) && !Files.isWritable(p)) {
      throw new StoreConfigException("rejected.file " + p + " cannot be written (does its directory exist and is it"
          + " writable by this worker?)");
    }
    return new RejectedFileSink(p, Clock.systemUTC());
  }

  /** Appends a page's rejections; fails the page (and its slice) if the file cannot be written: nothing is lost. */
  synchronized void append(String sliceId, List<RejectedDoc> docs) {
    if (file == null || docs.isEmpty()) return;
    StringBuilder lines = new StringBuilder();
    String now = clock.instant().toString();
    for (RejectedDoc d : docs) {
      ObjectNode line = JSON.createObjectNode().put("slice", sliceId).put("id", d.id()).put("reason", d.reason())
          .put("time", now);
      lines.append(line).append('\n');
    }
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE)) {
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8)); // one write: lines of workers sharing it interleave whole
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append rejected documents of slice " + sliceId + " to " + file + ": "
          + e.getMessage(), e);
    }
  }
}
