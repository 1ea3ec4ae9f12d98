package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.store.Engine;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
  private static WorkerSettings with(int concurrency, int pageSize) {
    return new WorkerSettings("w", concurrency, pageSize, 5, null, null, null, null, null, WorkerSettings.AUTO);
  }

  @Test
  void leftToTheEngineTheMeasuredDefaultsApply() {
    WorkerSettings auto = with(WorkerSettings.AUTO, WorkerSettings.AUTO);
    assertThat(auto.forSource(Engine.ELASTICSEARCH)).extracting(WorkerSettings::concurrency, WorkerSettings::pageSize)
        .containsExactly(8, 2000);
    assertThat(auto.forSource(Engine.SOLR)).extracting(WorkerSettings::concurrency, WorkerSettings::pageSize)
        .containsExactly(8, 1000);
  }

  @Test
  void whatTheOperatorSetIsKept() {
    assertThat(with(3, 700).forSource(Engine.ELASTICSEARCH))
        .extracting(WorkerSettings::concurrency, WorkerSettings::pageSize).containsExactly(3, 700);
    assertThatThrownBy(() -> with(-1, 100)).hasMessageContaining("--concurrency");
    assertThatThrownBy(() -> with(2, 20_000)).hasMessageContaining("--page-size");
  }

  @Test
  void thePlannersEstimateCountsTheWorkersSettlingSlots() {
    assertThat(io.backfillfleet.planner.SliceCost.SETTLING_PER_SLOT).isEqualTo(FleetWorker.SETTLING_PER_SLOT);
  }
}
