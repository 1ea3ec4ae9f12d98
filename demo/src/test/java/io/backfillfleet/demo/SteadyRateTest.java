package io.backfillfleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyRateTest {
  @Test
  void readsTheSampleLineNotTheTypeLine() {
    String metrics = "# HELP backfill_docs_copied_total Documents created.\n# TYPE backfill_docs_copied_total counter\n"
        + "backfill_docs_copied_total{backfill_job=\"j\",source_engine=\"solr\"} 1.7809E4\n"
        + "# TYPE backfill_docs_read_total counter\nbackfill_docs_read_total{backfill_job=\"j\"} 39837.0\n";
    assertThat(SteadyRate.written(metrics)).isEqualTo(17809);
    assertThat(SteadyRate.sample("x_total 3\nx_total{a=\"b\"} 4.0\nx_total_more 9\n", "x_total")).isEqualTo(7);
    assertThat(SteadyRate.written("# nothing here\n")).isEqualTo(-1);
  }

  @Test
  void theWindowOpensWhenEveryWorkerAnswersAndClosesAtNinetyPercent() {
    long s = 1_000_000_000L;
    List<SteadyRate.Sample> samples = List.of(new SteadyRate.Sample(0, 1, 100), new SteadyRate.Sample(s, 2, 1000),
        new SteadyRate.Sample(2 * s, 2, 5000), new SteadyRate.Sample(3 * s, 2, 9000), new SteadyRate.Sample(4 * s, 2, 9500));
    SteadyRate.Result r = SteadyRate.of(samples, 2, 10_000);
    assertThat(r.docsPerSecond()).isEqualTo(4000.0); // (9000 - 1000) docs over 2 s
    assertThat(SteadyRate.of(samples.subList(0, 2), 2, 10_000).known()).isFalse();
  }

  @Test
  void theWindowSaysHowManySlicesWereInFlightAndAllowed() {
    long s = 1_000_000_000L;
    List<SteadyRate.Sample> samples = List.of(new SteadyRate.Sample(0, 2, 1000, 16, 16),
        new SteadyRate.Sample(s, 2, 5000, 6, 8), new SteadyRate.Sample(2 * s, 2, 9000, 5, 6));
    assertThat(SteadyRate.of(samples, 2, 10_000).why()).endsWith("; slices in flight 9.0 of 10.0 allowed (mean)");
    assertThat(SteadyRate.inFlight(List.of(new SteadyRate.Sample(0, 1, 5)))).isEmpty();
  }

  @Test
  void theWindowSaysHowBusyTheToolAndClusterCoresWere() {
    long s = 1_000_000_000L;
    List<SteadyRate.Sample> samples = List.of(
        new SteadyRate.Sample(0, 1, 1000, 8, 8, new CoreBusy.Reading(100, 1000, 500, 1000)),
        new SteadyRate.Sample(s, 1, 5000, 8, 8, new CoreBusy.Reading(190, 1100, 550, 1100)),
        new SteadyRate.Sample(2 * s, 1, 9000, 8, 8, new CoreBusy.Reading(295, 1200, 600, 1200)));
    assertThat(SteadyRate.of(samples, 1, 10_000).why()).endsWith("; tool cores 98 % busy, cluster cores 50 %");
  }

  @Test
  void coreBusyReadsThePinnedCoresLinesOfProcStat() {
    System.setProperty(ToolCores.TOOL_CPUS, "1");
    System.setProperty(ToolCores.CLUSTER_CPUS, "0");
    try {
      CoreBusy.Reading r = CoreBusy.ofPinning().of(List.of(
          "cpu  300 0 100 600 0 0 0 0 0 0",
          "cpu0 100 0 50 300 50 0 0 0 0 0",
          "cpu1 200 0 50 200 0 10 0 0 0 0"));
      // busy = user + nice + system + irq + softirq + steal; idle and iowait are not
      assertThat(r).isEqualTo(new CoreBusy.Reading(260, 460, 150, 500));
      assertThat(CoreBusy.cores("0-2,5")).containsExactlyInAnyOrder("cpu0", "cpu1", "cpu2", "cpu5");
    } finally {
      System.clearProperty(ToolCores.TOOL_CPUS);
      System.clearProperty(ToolCores.CLUSTER_CPUS);
    }
  }
}
