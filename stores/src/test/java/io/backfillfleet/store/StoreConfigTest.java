package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {

  private static StoreConfig cfg(String engine, List<String> urls, String coll, String user, String pwEnv, String pwFile) {
    return new StoreConfig(engine, urls, null, coll, null, null, null, null, null, null, null, user, pwEnv, pwFile,
        null, null, null, null, null, null);
  }

  @Test
  void problemsNameTheirField() {
    assertThatThrownBy(() -> cfg("mongo", List.of("http://x"), "c", null, null, null).validate("source"))
        .isInstanceOf(StoreConfigException.class).hasMessageContaining("source.engine").hasMessageContaining("mongo");
    assertThatThrownBy(() -> cfg("elasticsearch", List.of("es:9200"), null, null, null, null).validate("target"))
        .hasMessageContaining("target.collection is missing").hasMessageContaining("target.endpoints: 'es:9200'");
    assertThatThrownBy(() -> cfg("solr", List.of(), "c", null, null, null).validate("source"))
        .hasMessageContaining("set zkHost");
    assertThatThrownBy(() -> cfg("solr", List.of("http://s/solr"), "c", "admin", null, null).validate("source"))
        .hasMessageContaining("source.username is set but neither passwordEnv nor passwordFile");
    assertThatThrownBy(() -> cfg("solr", List.of("http://s/solr"), "c", null, null, null).withPageSize(0).validate("source"))
        .hasMessageContaining("source.pageSize 0");
    assertThat(cfg("solr", List.of("http://s/solr"), "c", null, null, null).validate("source").idField()).isEqualTo("id");
  }

  @Test
  void secretsComeFromEnvironmentOrFileAndNeverAppearInDescriptions(@TempDir Path dir) throws Exception {
    StoreConfig env = cfg("elasticsearch", List.of("https://es:9200"), "logs", "backfill", "ES_PW", null);
    assertThat(env.password(Map.of("ES_PW", "hunter2"))).contains("hunter2");
    assertThatThrownBy(() -> env.password(Map.of())).hasMessageContaining("ES_PW").hasMessageContaining("not set");
    Path f = dir.resolve("pw");
    Files.writeString(f, "fromfile\n");
    assertThat(cfg("solr", List.of("http://s/solr"), "c", "u", null, f.toString()).password(Map.of())).contains("fromfile");
    assertThat(env.describe()).doesNotContain("hunter2").contains("https://es:9200").contains("logs");
  }

  @Test
  void fieldMappingRenamesAndDrops() {
    Doc d = new Doc("1", Map.of("a", 1, "b", 2, "c", 3));
    Doc m = new FieldMapping(Map.of("a", "alpha"), java.util.Set.of("b")).apply(d);
    assertThat(m.fields()).containsOnlyKeys("alpha", "c");
  }

  @Test
  void windowsAreHalfOpenAndMillisecondExact() {
    var from = java.time.Instant.parse("2024-01-01T00:00:00Z");
    var to = from.plusSeconds(60);
    TimeWindow w = TimeWindow.of(from, to);
    assertThat(w.contains(from)).isTrue();
    assertThat(w.contains(to)).isFalse();
    assertThat(w.contains(to.minusMillis(1))).isTrue();
    assertThatThrownBy(() -> TimeWindow.of(to, from)).hasMessageContaining("must be before");
    assertThatThrownBy(() -> TimeWindow.of(from.plusNanos(5), to)).hasMessageContaining("whole milliseconds");
  }
}
