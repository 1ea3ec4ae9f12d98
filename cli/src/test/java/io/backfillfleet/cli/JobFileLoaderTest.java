package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.worker.RejectedFile;
import io.backfillfleet.worker.RejectionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileLoaderTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    return Files.writeString(dir.resolve("job.yaml"), "job: j\n" + yaml);
  }

  @Test
  void readsTheRejectionSettings() throws Exception {
    JobFile f = JobFileLoader.load(file("""
        errors: {tolerance: all, maxRejected: 1000, maxRejectedRatio: 0.01}
        rejected: {file: "/var/log/rejected-{worker}.jsonl"}
        """));
    assertThat(f.errors()).isEqualTo(new RejectionPolicy("all", 1000L, 0.01));
    assertThat(f.rejected()).isEqualTo(new RejectedFile("/var/log/rejected-{worker}.jsonl"));
  }

  @Test
  void withoutThemTheJobHasNone() throws Exception {
    JobFile f = JobFileLoader.load(file(""));
    assertThat(f.errors()).isNull(); // the workers then apply RejectionPolicy.DEFAULT
    assertThat(f.rejected()).isNull();
  }

  @Test
  void badRejectionSettingsAreOneClearLine() throws Exception {
    assertThatThrownBy(() -> JobFileLoader.load(file("errors: {tolerance: most}\n")))
        .isInstanceOf(UsageException.class)
        .hasMessageEndingWith(": errors: errors.tolerance must be 'all' or 'none', not 'most'");
    assertThatThrownBy(() -> JobFileLoader.load(file("errors: {maxRejectedRatio: 5}\n")))
        .hasMessageContaining("errors.maxRejectedRatio must be between 0 and 1");
    assertThatThrownBy(() -> JobFileLoader.load(file("errors: {tolerence: none}\n")))
        .hasMessageContaining("unknown field 'tolerence'").hasMessageContaining("tolerance");
    assertThatThrownBy(() -> JobFileLoader.load(file("rejected: {file: \"\"}\n")))
        .hasMessageContaining("rejected.file needs a path");
  }
}
