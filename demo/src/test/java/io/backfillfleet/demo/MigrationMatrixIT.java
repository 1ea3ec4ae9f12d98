package io.backfillfleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The migration matrix in CI's reduced size; scripts/matrix.sh runs it bigger. */
class MigrationMatrixIT {

  @Test
  void everyMajorMigratesWithLiveWritesKept() throws Exception {
    int docs = Integer.getInteger("matrix.docs", 4_000);
    String only = System.getProperty("matrix.only", ""); // e.g. -Dmatrix.only="Solr 8" while working on one engine
    List<MigrationMatrix.Cell> cells = MigrationMatrix.CELLS.stream().filter(c -> c.toString().contains(only)).toList();
    List<MigrationMatrix.Outcome> outcomes = MigrationMatrix.run(cells, docs, FaultSuiteIT.JAR);
    assertThat(cells).as("cells matching matrix.only=" + only).isNotEmpty();
    assertThat(outcomes).hasSize(cells.size());
    for (MigrationMatrix.Outcome o : outcomes) {
      assertThat(o.passed()).as(o.row()).isTrue();
      // most of the history is copied by the workers (the rest: written or deleted live first)
      assertThat(o.created()).as(o.cell() + ": created by the backfill").isGreaterThan(docs * 9L / 10);
      assertThat(o.liveOps()).as(o.cell() + ": live writes happened").isPositive();
    }
  }
}
