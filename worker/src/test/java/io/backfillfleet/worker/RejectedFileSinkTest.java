package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.backfillfleet.coordinator.RejectedDoc;
import io.backfillfleet.store.StoreConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectedFileSinkTest {
  @TempDir Path dir;

  @Test
  void appendsOneJsonLinePerRejectedDocumentToTheWorkersFile() throws Exception {
    RejectedFileSink sink = RejectedFileSink.of(new RejectedFile(dir.resolve("rejected-{worker}.jsonl").toString()), "w1");
    sink.append("s1", List.of(new RejectedDoc("a", "bad \"n\"\nsecond line"), new RejectedDoc("b", "r")));
    sink.append("s2", List.of(new RejectedDoc("c", "r")));
    List<String> lines = Files.readAllLines(dir.resolve("rejected-w1.jsonl"));
    assertThat(lines).hasSize(3);
    var first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("slice").asText()).isEqualTo("s1");
    assertThat(first.get("id").asText()).isEqualTo("a");
    assertThat(first.get("reason").asText()).isEqualTo("bad \"n\"\nsecond line");
    assertThat(first.get("time").asText()).isNotBlank();
    assertThat(new ObjectMapper().readTree(lines.get(2)).get("slice").asText()).isEqualTo("s2");
  }

  @Test
  void aFileThatCannotBeWrittenIsRefusedAtTheStartInOneLine() {
    assertThatThrownBy(() -> RejectedFileSink.of(new RejectedFile(dir.resolve("missing/r.jsonl").toString()), "w1"))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("cannot be written");
  }

  @Test
  void withoutAFileNothingIsWritten() {
    RejectedFileSink.NONE.append("s1", List.of(new RejectedDoc("a", "r"))); // no file named: a no-op
    assertThat(RejectedFileSink.of(null, "w1")).isSameAs(RejectedFileSink.NONE);
  }
}
