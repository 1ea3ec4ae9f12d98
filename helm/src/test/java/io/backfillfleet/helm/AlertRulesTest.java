package io.backfillfleet.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules, rendered by a real Helm as they ship, checked and tested by Prometheus's own promtool
 * (Debian's prometheus package, installed by scripts/test.sh): each alert fires on the series it is for and stays
 * quiet on the others (src/test/resources/alerts-test.yaml).
 */
class AlertRulesTest {
  static final Path PROMTOOL = Paths.get("/usr/bin/promtool");

  @Test
  void promtoolChecksTheRenderedRulesAndTheirTestsPass(@TempDir Path dir) throws Exception {
    assertThat(PROMTOOL).as("Debian's prometheus package is not installed (scripts/test.sh installs it: apt-get install"
        + " prometheus); promtool proves the chart's alerts").isExecutable();
    List<JsonNode> docs = ChartTest.render(t -> t.set("metrics.prometheusRule.enabled", "true"));
    JsonNode rule = docs.stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst().orElseThrow();
    Files.writeString(dir.resolve("rules.yaml"), ChartTest.YAML.writeValueAsString(rule.path("spec")));
    try (InputStream tests = AlertRulesTest.class.getResourceAsStream("/alerts-test.yaml")) {
      Files.copy(tests, dir.resolve("alerts-test.yaml"));
    }
    String check = promtool(dir, "check", "rules", "rules.yaml");
    assertThat(check).contains("SUCCESS: 4 rules found");
    String test = promtool(dir, "test", "rules", "alerts-test.yaml");
    System.out.println("PROMTOOL test rules:\n" + test);
    assertThat(test).contains("SUCCESS");
    assertThat(rule.toString()).contains("BackfillNoProgress", "BackfillSlicesFailed", "BackfillRejectionsRising",
        "BackfillNoWorkers");
  }

  /** Runs promtool in {@code dir}; its exit code must be 0, and its output is returned. */
  static String promtool(Path dir, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
    assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + ":\n" + out).isZero();
    return out;
  }
}
