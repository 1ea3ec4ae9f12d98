package io.backfillfleet.store.solr;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.solr.common.util.NamedList;
import org.apache.solr.common.util.SimpleOrderedMap;
import org.junit.jupiter.api.Test;

/** Reading a node's processors from {@code /admin/info/system}, for the fleet's default cap on a Solr target. */
class SolrProcessorsTest {
  @Test
  void theJvmsProcessorsFirstThenTheSystemsAndNothingWhenNeitherIsThere() {
    NamedList<Object> both = new SimpleOrderedMap<>();
    both.add("jvm", one("processors", 2));
    both.add("system", one("availableProcessors", 16));
    assertThat(SolrStore.processors(both)).as("a container's or taskset's limit, as the JVM sees it").isEqualTo(2);

    NamedList<Object> systemOnly = new SimpleOrderedMap<>();
    systemOnly.add("system", one("availableProcessors", 16));
    assertThat(SolrStore.processors(systemOnly)).isEqualTo(16);

    assertThat(SolrStore.processors(new SimpleOrderedMap<>())).isZero();
    assertThat(SolrStore.processors("not a named list")).isZero();
  }

  private static NamedList<Object> one(String key, Object value) {
    NamedList<Object> n = new SimpleOrderedMap<>();
    n.add(key, value);
    return n;
  }
}
