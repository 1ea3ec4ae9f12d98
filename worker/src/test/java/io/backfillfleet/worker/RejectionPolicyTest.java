package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.coordinator.CopyProgress;
import org.junit.jupiter.api.Test;

class RejectionPolicyTest {

  private static CopyProgress readRejected(long read, long rejected) {
    return new CopyProgress(read, read - rejected, 0, rejected, 0);
  }

  @Test
  void byDefaultOddDocumentsAreToleratedAndAMappingErrorIsNot() {
    RejectionPolicy p = RejectionPolicy.DEFAULT;
    assertThat(p.check(readRejected(500, 400)).exceeded()).as("below 1,000 read, no ratio yet").isFalse();
    assertThat(p.check(readRejected(100_000, 9_000)).exceeded()).isFalse();
    RejectionPolicy.Verdict v = p.check(readRejected(1_000, 900));
    assertThat(v.exceeded()).isTrue();
    assertThat(v.limit()).isEqualTo("more than the job's errors.maxRejectedRatio (0.1)");
  }

  @Test
  void toleranceNoneFailsAtTheFirstRejection() {
    RejectionPolicy p = new RejectionPolicy("none", null, null);
    assertThat(p.check(readRejected(10, 0)).exceeded()).isFalse();
    assertThat(p.check(readRejected(10, 1)).limit()).isEqualTo("the job's errors.tolerance is none");
  }

  @Test
  void toleranceAllWithoutLimitsHasNone() {
    assertThat(new RejectionPolicy("all", null, null).check(readRejected(10_000, 10_000)).exceeded()).isFalse();
  }

  @Test
  void maxRejectedCountsTheSlicesDocuments() {
    RejectionPolicy p = new RejectionPolicy(null, 2L, null);
    assertThat(p.check(readRejected(10, 2)).exceeded()).isFalse();
    assertThat(p.check(readRejected(10, 3)).limit()).isEqualTo("more than the job's errors.maxRejected (2)");
  }

  @Test
  void badSettingsAreRefusedInOneLine() {
    assertThatThrownBy(() -> new RejectionPolicy("some", null, null))
        .hasMessage("errors.tolerance must be 'all' or 'none', not 'some'");
    assertThatThrownBy(() -> new RejectionPolicy("all", -1L, null)).hasMessageContaining("errors.maxRejected");
    assertThatThrownBy(() -> new RejectionPolicy("all", null, 1.5)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> new RejectionPolicy("none", 5L, null)).hasMessageContaining("limits for tolerance all");
  }
}
