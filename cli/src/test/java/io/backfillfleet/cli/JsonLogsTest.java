package io.backfillfleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shipped logging in a fresh JVM: text by default, one JSON object per line with --log-format json or the env. */
class JsonLogsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonLinesCarryTimeLevelJobWorkerSliceMessageAndException() throws Exception {
    for (String[] how : new String[][] {{"--log-format", "json"}, {"--log-format=json"}, {"env"}}) {
      List<String> lines = probe(how[0].equals("env") ? "json" : null, how[0].equals("env") ? new String[0] : how);
      assertThat(lines).as(String.join(" ", how)).hasSize(2);
      JsonNode info = JSON.readTree(lines.get(0));
      assertThat(info.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(info.path("level").asText()).isEqualTo("INFO");
      assertThat(info.path("job").asText()).isEqualTo("orders");
      assertThat(info.path("worker").asText()).isEqualTo("pod-7");
      assertThat(info.path("slice").asText()).isEqualTo("0042");
      assertThat(info.path("message").asText()).isEqualTo("progress: 812 docs/s here (1m)");
      assertThat(info.has("exception")).as("no exception field without one").isFalse();
      JsonNode error = JSON.readTree(lines.get(1));
      assertThat(error.path("level").asText()).isEqualTo("ERROR");
      assertThat(error.path("exception").asText()).startsWith("java.lang.IllegalStateException: connection refused")
          .contains("at io.backfillfleet.cli.JsonLogProbe.main");
    }
  }

  @Test
  void plainTextStaysTheDefault() throws Exception {
    List<String> lines = probe(null);
    assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\d.* INFO  SliceCopier progress: 812 docs/s here \\(1m\\)");
    assertThat(String.join("\n", lines)).contains("java.lang.IllegalStateException: connection refused")
        .doesNotContain("{\"");
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err, true),
        "status", "--log-format", "xml", "--job", "j");
    assertThat(code).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("--log-format").contains("plain, json");
  }

  /** The probe's stderr lines, from a fresh JVM with the shipped log4j2.xml. */
  static List<String> probe(String env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java", "-cp", System.getProperty("java.class.path"),
        "-Dlog4j2.configurationFile=classpath:log4j2.xml", // the shipped one, not the tests' log4j2-test.xml
        JsonLogProbe.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("BACKFILL_LOG_FORMAT");
    if (env != null) pb.environment().put("BACKFILL_LOG_FORMAT", env);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return err.lines().filter(l -> !l.isBlank()).toList();
  }
}
