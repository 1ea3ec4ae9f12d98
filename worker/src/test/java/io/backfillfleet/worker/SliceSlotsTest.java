package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SliceSlotsTest {
  private static final long MS = 1_000_000L;

  @Test
  void aClusterThatPushesBackGetsFewerSlicesAndThenMoreAsItRecovers() throws Exception {
    SliceSlots slots = new SliceSlots(8, true);
    for (int i = 0; i < 8; i++) assertThat(slots.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(slots.tryAcquire(Duration.ZERO)).as("eight at most").isFalse();
    slots.onPage(System.nanoTime(), 100 * MS, true);
    assertThat(slots.limit()).isEqualTo(4);
    slots.onPage(System.nanoTime(), 100 * MS, true);
    assertThat(slots.limit()).isEqualTo(2);
    for (int i = 0; i < 8; i++) slots.release();
    for (int i = 0; i < 2; i++) assertThat(slots.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(slots.tryAcquire(Duration.ZERO)).as("two while it pushes back").isFalse();
    for (int i = 0; i < 10; i++) { // answering again, and the worker claims up to its limit each time
      while (slots.tryAcquire(Duration.ZERO)) { }
      slots.onPage(System.nanoTime(), 100 * MS, false);
    }
    assertThat(slots.limit()).isEqualTo(8);
  }

  @Test
  void roundTripsThatKeepGrowingLowerTheLimit() throws Exception {
    SliceSlots slots = new SliceSlots(8, true);
    for (int i = 0; i < 8; i++) assertThat(slots.tryAcquire(Duration.ZERO)).isTrue();
    for (int i = 0; i < 100; i++) slots.onPage(System.nanoTime(), 100 * MS, false);
    assertThat(slots.limit()).isEqualTo(8);
    for (int i = 0; i < 30; i++) slots.onPage(System.nanoTime(), 800 * MS, false); // the clusters queue up
    assertThat(slots.limit()).isLessThan(8);
  }

  @Test
  void theFleetShareCapsAndZeroStopsClaiming() throws Exception {
    SliceSlots slots = new SliceSlots(8, false);
    slots.fleetShare(3);
    for (int i = 0; i < 3; i++) assertThat(slots.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(slots.tryAcquire(Duration.ofMillis(20))).isFalse();
    slots.fleetShare(0);
    slots.release();
    assertThat(slots.tryAcquire(Duration.ZERO)).isFalse();
    slots.noFleetLimit();
    assertThat(slots.tryAcquire(Duration.ZERO)).isTrue();
    slots.onPage(System.nanoTime(), 100 * MS, true);
    assertThat(slots.limit()).as("not adaptive: pushback does not lower it").isEqualTo(8);
  }

  @Test
  void theOperatorsJobWideCapWinsOverTheTargetsDefaultEitherWay() {
    assertThat(FleetWorker.fleetLimit(0, 16)).as("no cap set: the target's default").isEqualTo(16);
    assertThat(FleetWorker.fleetLimit(64, 16)).as("a cap above the default").isEqualTo(64);
    assertThat(FleetWorker.fleetLimit(4, 16)).isEqualTo(4);
    assertThat(FleetWorker.fleetLimit(0, 0)).as("neither: no fleet-wide limit").isZero();
  }
}
