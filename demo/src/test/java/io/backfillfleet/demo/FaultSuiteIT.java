package io.backfillfleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault suite in CI's reduced size; scripts/fault-suite.sh runs it bigger. */
class FaultSuiteIT {
  static final Path JAR = Paths.get("../cli/target/backfill.jar").toAbsolutePath();

  @ParameterizedTest
  @ValueSource(strings = {"solr", "elasticsearch"})
  void nothingLostOverwrittenOrResurrectedWhateverFails(String engine) throws Exception {
    int docs = Integer.getInteger("faults.docs", 30_000);
    FaultSuite.Figures f = FaultSuite.run(engine, docs, JAR);
    System.out.println(f.line());
    assertThat(f.kills()).as("workers killed").isGreaterThan(0);
    assertThat(f.zkFaults()).isEqualTo(1);
    assertThat(f.sessionExpiries()).isEqualTo(1);
    assertThat(f.targetOutages()).isEqualTo(1);
    assertThat(f.slicesNotDone()).as("every slice DONE").isZero();
    assertThat(f.lost()).isZero();
    assertThat(f.extra()).isZero();
    assertThat(f.overwritten()).isZero();
    assertThat(f.resurrected()).isZero();
    assertThat(f.fencedWrites()).isZero();
    assertThat(f.verifyExit()).isZero();
  }
}
