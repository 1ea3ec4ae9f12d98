package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A slice's size from minutes and a rate: a product under one document names both factors, not one. */
class PlanSliceSizeTest {
  @Test
  void minutesTimesRateBelowOneDocumentNamesBothFactors() {
    assertThat(PlanCommand.fromMinutes(10, 500, "plan.minutesPerSlice", "plan.docsPerSecond")).isEqualTo(300_000);
    assertThat(PlanCommand.fromMinutes(0.001, 10, "plan.minutesPerSlice", "plan.docsPerSecond")).isEqualTo(1);
    assertThatThrownBy(() -> PlanCommand.fromMinutes(0.0001, 10, "plan.minutesPerSlice", "plan.docsPerSecond"))
        .isInstanceOf(UsageException.class)
        .hasMessage("plan.minutesPerSlice x plan.docsPerSecond makes slices of 0.060 documents (1.0E-4 minutes x 60 x"
            + " 10.0 docs/s); a slice needs at least 1: raise either");
    assertThatThrownBy(() -> PlanCommand.fromMinutes(5, 0, "--minutes-per-slice", "--docs-per-second"))
        .hasMessage("--docs-per-second must be more than 0, not 0.0");
  }
}
