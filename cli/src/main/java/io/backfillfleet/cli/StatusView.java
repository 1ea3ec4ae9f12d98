package io.backfillfleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.JobProgress;
import io.backfillfleet.coordinator.TargetTuningNode;
import java.time.Duration;
import java.util.Locale;

/** Renders a {@link JobProgress} for a person (table) or a script (JSON). */
final class StatusView {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private StatusView() {}

  static String json(JobProgress p) {
    return json(p, null);
  }

  /** With {@code targetTuning}, the job's {@code --tune-target} record (null: the target was never tuned). */
  static String json(JobProgress p, TargetTuningNode targetTuning) {
    try {
      com.fasterxml.jackson.databind.node.ObjectNode out = JSON.valueToTree(p);
      if (targetTuning != null) out.set("targetTuning", JSON.valueToTree(targetTuning));
      return JSON.writeValueAsString(out) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String table(JobProgress p) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "job %s: %s%s, throttle %s%s%n", p.job(),
        p.ready() ? "published" : "PUBLISH INCOMPLETE (resume with 'backfill plan --apply' or delete the job)",
        p.paused() ? ", PAUSED" : "", p.maxDocsPerSecond() == 0 ? "unlimited" : p.maxDocsPerSecond() + " docs/s",
        p.maxSlicesInFlight() == 0 ? "" : ", at most " + p.maxSlicesInFlight() + " slices in flight job-wide"));
    sb.append(String.format(Locale.ROOT, "slices: %d total, %d done, %d in progress, %d pending, %d failed%s%n",
        p.slices(), p.done(), p.inProgress(), p.pending(), p.failed(), p.corrupt() > 0 ? ", " + p.corrupt() + " CORRUPT" : ""));
    sb.append(String.format(Locale.ROOT, "splitting: %s; %d planned slices%s%n", p.split().equals("off")
            ? "off job-wide ('backfill split --job " + p.job() + " auto' allows it)" : "as each worker's --split says",
        p.plannedSlices(), p.splitOff() == 0 ? ", none split" : ", " + p.splitOff() + " split off running slices"
            + " ('status --job " + p.job() + " --split' lists them)"));
    sb.append(String.format(Locale.ROOT, "documents: %,d read of ~%,d estimated (%.1f%%); %,d created, %,d already present"
            + " (live writes kept), %,d rejected, %,d deleted after re-check%n", p.docsRead(), p.estimatedDocs(),
        p.percent(), p.docsCreated(), p.docsAlreadyPresent(), p.docsRejected(), p.docsDeletedAfterRecheck()));
    if (p.docsChanged() > 0) {
      sb.append(String.format(Locale.ROOT, "changed values: %,d documents written without values the target cannot hold"
          + " (nulls, empty lists); 'backfill rejected --job %s' lists them%n", p.docsChanged(), p.job()));
    }
    sb.append(bar(p.percent())).append('\n');
    if (p.liveWorkers() == 0) {
      sb.append(p.done() + p.failed() == p.slices() ? "no worker is running; no work is left\n"
          : "no worker is running: progress stands still (start workers: 'backfill work --job " + p.job() + "')\n");
    } else {
      sb.append(String.format(Locale.ROOT, "rate: %,.0f docs/s from %d live workers; ETA %s%n", p.docsPerSecond(),
          p.liveWorkers(), p.eta() == null ? "unknown" : hms(p.eta())));
    }
    if (!p.claims().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nHELD CLAIMS%n%-40s %-28s %6s %12s%n", "SLICE", "WORKER", "EPOCH",
          "CHECKPOINT"));
      for (JobProgress.HeldClaim c : p.claims()) {
        sb.append(String.format(Locale.ROOT, "%-40s %-28s %6d %12s%s%n", c.sliceId(), c.workerId(), c.epoch(),
            hms(c.sinceLastCheckpoint()) + " ago", c.stuck() ? "  STUCK: 'backfill release --job " + p.job()
                + " --slice " + c.sliceId() + "'" : ""));
      }
    }
    if (!p.failures().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nFAILED SLICES (retry with 'backfill retry --job %s --failed')%n", p.job()));
      for (JobProgress.FailedSlice f : p.failures()) {
        sb.append(String.format(Locale.ROOT, "%-40s %-20s attempts %d: %s%n", f.sliceId(),
            f.tenants() > 1 ? f.tenants() + " windows (packed)" : io.backfillfleet.store.TenantSpan.label(f.tenant()),
            f.attempts(),
            oneLine(f.lastError())));
      }
    }
    if (!p.corruptNodes().isEmpty()) {
      sb.append("\nCORRUPT NODES\n");
      p.corruptNodes().forEach((id, why) -> sb.append(id).append(": ").append(why).append('\n'));
    }
    return sb.toString();
  }

  static String bar(double percent) {
    int width = 40;
    int filled = (int) Math.round(percent / 100 * width);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + String.format(Locale.ROOT, "%.1f%%", percent);
  }

  static String hms(Duration d) {
    return String.format(Locale.ROOT, "%02d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  private static String oneLine(String s) {
    if (s == null) return "";
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 160 ? t.substring(0, 157) + "..." : t;
  }
}
