package io.backfillfleet.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backfillfleet.store.Doc;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PageMemoryBudgetTest {
  private final ExecutorService readers = Executors.newCachedThreadPool();

  @AfterEach
  void stopReaders() {
    readers.shutdownNow();
  }

  /** A read that blocks until the budget has room; completes with the bytes it reserved. */
  private CompletableFuture<Long> reserveLater(PageMemoryBudget budget, int pageSize, long lastPageBytes) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return budget.reserve(pageSize, lastPageBytes);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, readers);
  }

  private static void awaitWaiting(PageMemoryBudget budget) {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> budget.waiting() == 1);
  }

  @Test
  void theFirstPageIsReadAloneAndSetsTheScaleForTheOthers() throws Exception {
    PageMemoryBudget budget = new PageMemoryBudget(1000);
    long first = budget.reserve(10, 0);
    assertThat(first).isEqualTo(1000); // nothing measured yet: the whole budget
    CompletableFuture<Long> second = reserveLater(budget, 10, 0);
    awaitWaiting(budget);
    assertThat(second).isNotDone();
    assertThat(budget.waits()).isZero(); // waiting for the first page is not running short of memory

    budget.measured(first, 200, 10); // 20 bytes a document: a page of 10 is expected to take 200
    assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(200);
    assertThat(budget.reserve(10, 0)).isEqualTo(200);
    assertThat(budget.reserve(10, 300)).isEqualTo(300); // a slice's own last page is the better guess
    assertThat(budget.heldBytes()).isEqualTo(900);
    assertThat(budget.peakPages()).isEqualTo(4);
  }

  @Test
  void aReadWaitsUntilAWrittenPageGivesItsMemoryBack() throws Exception {
    PageMemoryBudget budget = new PageMemoryBudget(1000);
    long a = budget.reserve(10, 600);
    CompletableFuture<Long> b = reserveLater(budget, 10, 600);
    awaitWaiting(budget);
    assertThat(b).isNotDone();
    budget.release(a);
    assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(600);
    assertThat(budget.heldBytes()).isEqualTo(600);
    assertThat(budget.waits()).isEqualTo(1);
  }

  @Test
  void aPageLargerThanTheWholeBudgetIsStillReadAloneAndNothingWaitsForever() throws Exception {
    PageMemoryBudget budget = new PageMemoryBudget(1000);
    long big = budget.reserve(10, 0);
    budget.measured(big, 5000, 10); // it turned out five times the budget
    CompletableFuture<Long> next = reserveLater(budget, 10, 5000);
    awaitWaiting(budget);
    budget.release(5000);
    assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo(1000); // capped at the budget: admitted once nothing else is held
    assertThat(budget.peakPages()).isEqualTo(1);
  }

  @Test
  void theFootprintOfADocumentGrowsWithWhatItHolds() {
    Doc small = new Doc("a", Map.of("title", "x"));
    Doc large = new Doc("a", Map.of("title", "x".repeat(10_000), "tags", List.of("p", "q")));
    assertThat(DocFootprint.of(small)).isBetween(100L, 400L);
    assertThat(DocFootprint.of(large)).isBetween(10_000L, 11_000L);
    assertThat(DocFootprint.of(List.of(small, large))).isEqualTo(DocFootprint.of(small) + DocFootprint.of(large));
  }

  @Test
  void aBudgetOfNothingIsRefused() {
    assertThatThrownBy(() -> new PageMemoryBudget(0)).hasMessageContaining("at least 1 byte");
  }
}
