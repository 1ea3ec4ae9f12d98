package io.backfillfleet.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The chart rendered by a real Helm (helm-java) and read back with the fabric8 Kubernetes model. */
class ChartTest {
  static final Path CHART = Paths.get("backfill").toAbsolutePath();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static List<JsonNode> render(UnaryOperator<TemplateCommand> values) throws Exception {
    String out = values.apply(new Helm(CHART).template().withName("orders").withNamespace("search")).call();
    List<JsonNode> docs = new ArrayList<>();
    for (JsonNode n : YAML.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll()) {
      if (n != null && !n.isNull() && n.has("kind")) docs.add(n);
    }
    return docs;
  }

  static <T> T only(List<JsonNode> docs, String kind, String nameSuffix, Class<T> type) {
    List<JsonNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)
        && d.path("metadata").path("name").asText().endsWith(nameSuffix)).toList();
    assertThat(found).as(kind + " *" + nameSuffix).hasSize(1);
    return YAML.convertValue(found.get(0), type);
  }

  static long count(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).count();
  }

  @Test
  void lintsStrictly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(lint.getMessages().toString()).isFalse();
  }

  @Test
  void defaultsRenderAWorkQueueJobAndADryRunPlanner() throws Exception {
    List<JsonNode> docs = render(t -> t);
    Job worker = only(docs, "Job", "-worker", Job.class);
    assertThat(worker.getSpec().getParallelism()).isEqualTo(4);
    assertThat(worker.getSpec().getCompletions()).as("work-queue pattern: no completions").isNull();
    assertThat(worker.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(40L);
    List<PodFailurePolicyRule> rules = worker.getSpec().getPodFailurePolicy().getRules();
    assertThat(rules).anySatisfy(r -> {
      assertThat(r.getAction()).isEqualTo("Ignore");
      assertThat(r.getOnPodConditions().get(0).getType()).isEqualTo("DisruptionTarget");
    });
    assertThat(rules).anySatisfy(r -> {
      assertThat(r.getAction()).isEqualTo("FailJob");
      assertThat(r.getOnExitCodes().getValues()).containsExactly(2);
    });
    Container c = worker.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).contains("work", "--job-file=/etc/backfill/job.yaml", "--grace-seconds=25", "--metrics-port=9404",
        "--split=auto", "--split-min-seconds=30", "--split-min-docs=10000", "--wait-for-clusters=300");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(worker.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(worker.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "9404");
    assertThat(c.getPorts().get(0).getContainerPort()).isEqualTo(9404);

    Job planner = only(docs, "Job", "-planner", Job.class);
    assertThat(planner.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("plan", "--dry-run");
    ConfigMap cm = only(docs, "ConfigMap", "-job", ConfigMap.class);
    assertThat(cm.getData().get("job.yaml")).contains("job: orders-2024").doesNotContain("password:");
    assertThat(count(docs, "ServiceMonitor")).isZero();
    assertThat(count(docs, "PrometheusRule")).isZero();
    assertThat(count(docs, "Deployment")).as("the read mirror is optional and off by default").isZero();
  }

  @Test
  void theReadMirrorRunsAsADeploymentBehindAServiceWhenEnabled() throws Exception {
    List<JsonNode> docs = render(t -> t.set("mirror.enabled", "true").set("mirror.sample", "0.25")
        .set("mirror.ignore[0]", "order").set("mirror.maxLatencyRatio", "1.5"));
    JsonNode mirror = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    assertThat(mirror.path("metadata").path("name").asText()).isEqualTo("orders-backfill-mirror");
    JsonNode pod = mirror.path("spec").path("template").path("spec");
    JsonNode c = pod.path("containers").get(0);
    List<String> args = new ArrayList<>();
    c.path("args").forEach(a -> args.add(a.asText()));
    assertThat(args).startsWith("mirror").contains("--job-file=/etc/backfill/job.yaml", "--listen=9400",
        "--metrics-port=9404", "--sample=0.25", "--ignore=order", "--max-latency-ratio=1.5",
        "--html=/tmp/mirror-report.html");
    assertThat(c.path("readinessProbe").path("tcpSocket").path("port").asText()).isEqualTo("mirror");
    assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.path("volumeMounts").toString()).contains("/tmp").contains("/etc/backfill");
    assertThat(mirror.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo("9404");
    assertThat(mirror.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/component").asText())
        .isEqualTo("mirror");
    JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")
        && d.path("metadata").path("name").asText().endsWith("-mirror")).findFirst().orElseThrow();
    assertThat(service.path("spec").path("ports").toString()).contains("9400").contains("9404");
    // helm --set passes 0.25 as a string: numbers and numeric strings are taken, anything else refused
    assertThatThrownBy(() -> render(t -> t.set("mirror.enabled", "true").set("mirror.sample", "2")))
        .hasMessageContaining("sample");
    assertThatThrownBy(() -> render(t -> t.set("mirror.enabled", "true").set("mirror.sample", "1.5")))
        .hasMessageContaining("sample");
    assertThatThrownBy(() -> render(t -> t.set("mirror.enabled", "true").set("mirror.maxLatencyRatio", "fast")))
        .hasMessageContaining("maxLatencyRatio");
  }

  @Test
  void applyModeSecretsMonitoringAndScaleAreTakenFromValues() throws Exception {
    List<JsonNode> docs = render(t -> t.set("planner.mode", "apply").set("worker.parallelism", "12")
        .set("worker.graceSeconds", "50").set("worker.split", "off").set("secretEnv[0].name", "TARGET_PASSWORD")
        .set("secretEnv[0].secretName", "es-new").set("secretEnv[0].secretKey", "password")
        .set("metrics.serviceMonitor.enabled", "true").set("metrics.prometheusRule.enabled", "true"));
    Job planner = only(docs, "Job", "-planner", Job.class);
    assertThat(planner.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--apply")
        .doesNotContain("--tune-target");
    Job tuning = only(render(t -> t.set("planner.mode", "apply").set("planner.tuneTarget", "true")), "Job", "-planner",
        Job.class);
    assertThat(tuning.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("plan",
        "--job-file", "/etc/backfill/job.yaml", "--apply", "--tune-target");
    Job worker = only(docs, "Job", "-worker", Job.class);
    assertThat(worker.getSpec().getParallelism()).isEqualTo(12);
    assertThat(worker.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--split=off");
    assertThat(worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(65L);
    Container c = worker.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("BACKFILL_LOG_FORMAT");
      assertThat(e.getValue()).isEqualTo("plain");
    });
    Job jsonLogs = only(render(t -> t.set("logFormat", "json")), "Job", "-worker", Job.class);
    assertThat(jsonLogs.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getValue()).isEqualTo("json"));
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("TARGET_PASSWORD");
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("es-new");
    });
    assertThat(count(docs, "ServiceMonitor")).isEqualTo(1);
    assertThat(count(docs, "PrometheusRule")).isEqualTo(1);
    JsonNode rule = docs.stream().filter(d -> d.path("kind").asText().equals("PrometheusRule")).findFirst().orElseThrow();
    assertThat(rule.toString()).contains("BackfillNoProgress").contains("backfill_docs_read_total");
  }

  @Test
  void theGrafanaDashboardShipsAsASidecarConfigMapWhenEnabled() throws Exception {
    assertThat(render(t -> t).stream().filter(d -> d.path("metadata").path("name").asText().endsWith("-dashboard")))
        .as("off by default").isEmpty();
    ConfigMap cm = only(render(t -> t.set("metrics.grafanaDashboard.enabled", "true")
        .set("metrics.grafanaDashboard.folder", "Search")), "ConfigMap", "-dashboard", ConfigMap.class);
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Search");
    String json = cm.getData().get("backfill.json");
    assertThat(json).isEqualTo(java.nio.file.Files.readString(CHART.resolve("dashboards/backfill.json")).strip());
    JsonNode dashboard = new ObjectMapper().readTree(json);
    assertThat(dashboard.path("uid").asText()).isEqualTo("backfill-fleet");
    List<String> titles = new ArrayList<>();
    dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
    assertThat(titles).contains("ETA at the fleet's pace", "Slices by state", "Claims held per pod",
        "Rejected, deleted by the guard, write failures", "Latency p99 per pod", "Pages waiting for memory",
        "Heap used of max", "Time in GC per second");
    // the metrics its panels query are checked against a live worker's /metrics by worker's PrometheusScrapeIT
  }

  @Test
  void valuesThatBreakTheSchemaAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> render(t -> t.set("planner.tuneTarget", "true"))) // with the default dry-run
        .hasMessageContaining("planner").hasMessageContaining("mode");
    assertThatThrownBy(() -> render(t -> t.set("planner.mode", "sometimes")))
        .hasMessageContaining("planner").hasMessageContaining("mode");
    assertThatThrownBy(() -> render(t -> t.set("worker.parallelism", "-1")))
        .hasMessageContaining("parallelism");
    assertThatThrownBy(() -> render(t -> t.set("worker.split", "sometimes"))).hasMessageContaining("split");
    assertThatThrownBy(() -> render(t -> t.set("logFormat", "xml"))).hasMessageContaining("logFormat");
    assertThatThrownBy(() -> render(t -> t.set("secretEnv[0].name", "bad name").set("secretEnv[0].secretName", "s")
        .set("secretEnv[0].secretKey", "k"))).hasMessageContaining("name");
  }
}
