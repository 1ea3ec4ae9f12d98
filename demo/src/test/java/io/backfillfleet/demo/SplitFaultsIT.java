package io.backfillfleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 18: holders SIGKILLed between a split's decision and its write, and right after it; nothing lost. */
class SplitFaultsIT {

  @ParameterizedTest
  @ValueSource(strings = {"elasticsearch", "solr"})
  void aHolderKilledAroundASplitLosesNothingAndTheSuccessorCompletes(String engine) throws Exception {
    SplitFaults.Figures f = SplitFaults.run(engine, 30_000, FaultSuiteIT.JAR);
    System.out.println(f.line());
    assertThat(f.killedBeforeWrite()).as("a holder was killed between deciding a split and writing it").isTrue();
    assertThat(f.killedAfterWrite()).as("a holder was killed right after writing a split").isTrue();
    assertThat(f.slicesAtEnd()).as("the written split's successor is a slice of the job").isGreaterThan(f.plannedSlices());
    assertThat(f.notDone()).as("every slice DONE, successors included").isZero();
    assertThat(f.lost()).isZero();
    assertThat(f.extra()).isZero();
    assertThat(f.overwritten()).isZero();
    assertThat(f.resurrected()).isZero();
    assertThat(f.fencedWrites()).isZero();
    assertThat(f.verifyExit()).isZero();
  }
}
