package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backfillfleet.coordinator.JobSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The planner's watermark snapshot, as a worker reads it from the job. */
class JobStoresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsThePublishedChangeMarkAndNothingElse() {
    ObjectNode params = JSON.createObjectNode().put(JobStores.CHANGE_MARK, 7_500_000_000_000_000L);
    assertThat(JobStores.changeMark(spec(params))).hasValue(7_500_000_000_000_000L);
    assertThat(JobStores.changeMark(spec(JSON.createObjectNode()))).as("a job planned without one").isEmpty();
    assertThat(JobStores.changeMark(spec(null))).isEmpty();
    assertThat(JobStores.changeMark(spec(JSON.createObjectNode().put(JobStores.CHANGE_MARK, -1)))).isEmpty();
    assertThat(JobStores.changeMark(spec(JSON.createObjectNode().put(JobStores.CHANGE_MARK, "soon")))).isEmpty();
  }

  private static JobSpec spec(ObjectNode params) {
    return new JobSpec(JobSpec.SCHEMA, "j", JobSpec.PublishState.READY, "p", 1, 1, 3, null, null, params,
        Instant.EPOCH);
  }
}
