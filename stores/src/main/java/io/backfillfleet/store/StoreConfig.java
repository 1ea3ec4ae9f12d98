package io.backfillfleet.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Describes one store. Secrets are never values here: only the names of environment variables or files
 * that hold them ({@code passwordEnv}, {@code passwordFile}, {@code apiKeyEnv}, {@code apiKeyFile}), so a
 * config can be logged, stored in ZooKeeper and mounted as a ConfigMap.
 *
 * @param endpoints   Solr base URLs (http://host:8983/solr) or Elasticsearch/OpenSearch URLs (https://host:9200)
 * @param zkHost      Solr only, instead of endpoints: the SolrCloud ZooKeeper with chroot, e.g. zk1:2181,zk2:2181/solr
 * @param collection  the Solr collection or Elasticsearch index (or alias)
 * @param updateChain Solr targets only: the update chain with TolerantUpdateProcessorFactory (see README)
 * @param routingField Elasticsearch and OpenSearch targets only: route each document by this field's value (e.g. the tenant);
 *                    when absent, each document keeps the routing it had in the source (or none)
 */
public record StoreConfig(
    String engine,
    List<String> endpoints,
    String zkHost,
    String collection,
    String tenantField,
    String timestampField,
    String idField,
    Integer pageSize,
    Duration connectTimeout,
    Duration requestTimeout,
    Integer maxAttempts,
    String username,
    String passwordEnv,
    String passwordFile,
    String apiKeyEnv,
    String apiKeyFile,
    String trustStore,
    String trustStorePasswordEnv,
    String updateChain,
    String routingField) {

  public StoreConfig {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    tenantField = orDefault(tenantField, "tenant");
    timestampField = orDefault(timestampField, "ts");
    idField = orDefault(idField, "id");
    pageSize = pageSize == null ? 1000 : pageSize;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(60) : requestTimeout;
    maxAttempts = maxAttempts == null ? 6 : maxAttempts;
    updateChain = orDefault(updateChain, "tolerant");
    routingField = routingField == null || routingField.isBlank() ? null : routingField;
  }

  public static StoreConfig solrCloud(String zkHost, String collection) {
    return new StoreConfig("solr", null, zkHost, collection, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null);
  }

  public static StoreConfig elasticsearch(String url, String index) {
    return restApi("elasticsearch", url, index);
  }

  /** An index on an Elasticsearch-API server: {@code engine} is "elasticsearch" or "opensearch". */
  public static StoreConfig restApi(String engine, String url, String index) {
    return new StoreConfig(engine, List.of(url), null, index, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null);
  }

  public StoreConfig withPageSize(int size) {
    return new StoreConfig(engine, endpoints, zkHost, collection, tenantField, timestampField, idField, size,
        connectTimeout, requestTimeout, maxAttempts, username, passwordEnv, passwordFile, apiKeyEnv, apiKeyFile,
        trustStore, trustStorePasswordEnv, updateChain, routingField);
  }

  public StoreConfig withRetries(int attempts, Duration timeout) {
    return new StoreConfig(engine, endpoints, zkHost, collection, tenantField, timestampField, idField, pageSize,
        timeout, timeout, attempts, username, passwordEnv, passwordFile, apiKeyEnv, apiKeyFile, trustStore,
        trustStorePasswordEnv, updateChain, routingField);
  }

  /** The same store, routing each written document by {@code field}'s value (Elasticsearch targets). */
  public StoreConfig withRoutingField(String field) {
    return new StoreConfig(engine, endpoints, zkHost, collection, tenantField, timestampField, idField, pageSize,
        connectTimeout, requestTimeout, maxAttempts, username, passwordEnv, passwordFile, apiKeyEnv, apiKeyFile,
        trustStore, trustStorePasswordEnv, updateChain, field);
  }

  public StoreConfig withEndpoints(List<String> urls) {
    return new StoreConfig(engine, urls, zkHost, collection, tenantField, timestampField, idField, pageSize,
        connectTimeout, requestTimeout, maxAttempts, username, passwordEnv, passwordFile, apiKeyEnv, apiKeyFile,
        trustStore, trustStorePasswordEnv, updateChain, routingField);
  }

  /** The engine, checked. */
  public Engine engineKind() {
    return Engine.parse(engine);
  }

  /** Where this store is, for messages: never contains a secret. */
  public String describe() {
    String where = zkHost != null ? "zk " + zkHost : String.join(",", endpoints);
    return engine + " " + where + " " + (engineKind() == Engine.SOLR ? "collection " : "index ") + collection;
  }

  /** Checks every field; {@code name} ("source", "target") prefixes the field names in the message. */
  public StoreConfig validate(String name) {
    List<String> problems = new ArrayList<>();
    Engine e = null;
    try {
      e = engineKind();
    } catch (StoreConfigException ex) {
      problems.add(name + ".engine: " + ex.getMessage());
    }
    if (collection == null || collection.isBlank()) problems.add(name + ".collection is missing (the collection or index to "
        + "read or write)");
    if (e == Engine.SOLR && endpoints.isEmpty() && (zkHost == null || zkHost.isBlank())) {
      problems.add(name + ": set zkHost (e.g. zk1:2181/solr) or endpoints (e.g. http://solr:8983/solr)");
    }
    if (e != null && e.elasticsearchApi() && endpoints.isEmpty()) {
      problems.add(name + ".endpoints is missing (e.g. https://es:9200)");
    }
    if (e != null && e.elasticsearchApi() && zkHost != null) problems.add(name + ".zkHost is for Solr only");
    for (String url : endpoints) {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        problems.add(name + ".endpoints: '" + url + "' must start with http:// or https://");
      }
    }
    if (pageSize < 1 || pageSize > 10_000) problems.add(name + ".pageSize " + pageSize + " must be between 1 and 10000");
    if (maxAttempts < 1) problems.add(name + ".maxAttempts must be at least 1");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) problems.add(name + ".connectTimeout must be positive");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) problems.add(name + ".requestTimeout must be positive");
    if (username != null && passwordEnv == null && passwordFile == null) {
      problems.add(name + ".username is set but neither passwordEnv nor passwordFile names where the password is");
    }
    if (passwordEnv != null && passwordFile != null) problems.add(name + ": set passwordEnv or passwordFile, not both");
    if (apiKeyEnv != null && apiKeyFile != null) problems.add(name + ": set apiKeyEnv or apiKeyFile, not both");
    if ((apiKeyEnv != null || apiKeyFile != null) && e != null && e != Engine.ELASTICSEARCH) {
      problems.add(name + ": API keys are for Elasticsearch" + (e == Engine.OPENSEARCH ? " (OpenSearch: username with"
          + " passwordEnv or passwordFile)" : ""));
    }
    if (routingField != null && e == Engine.SOLR) {
      problems.add(name + ".routingField is for Elasticsearch and OpenSearch targets (Solr routes by the id: use a"
          + " compositeId 'tenant!id')");
    }
    if (trustStore != null && !Files.isReadable(Path.of(trustStore))) {
      problems.add(name + ".trustStore " + trustStore + " is not a readable file");
    }
    if (!problems.isEmpty()) throw new StoreConfigException(String.join("; ", problems));
    return this;
  }

  /** The password, read from its environment variable or file. */
  public Optional<String> password(Map<String, String> env) {
    return secret("password", passwordEnv, passwordFile, env);
  }

  public Optional<String> apiKey(Map<String, String> env) {
    return secret("API key", apiKeyEnv, apiKeyFile, env);
  }

  public Optional<String> trustStorePassword(Map<String, String> env) {
    return secret("trust store password", trustStorePasswordEnv, null, env);
  }

  private Optional<String> secret(String what, String envName, String file, Map<String, String> env) {
    if (envName != null) {
      String v = env.get(envName);
      if (v == null || v.isEmpty()) {
        throw new StoreConfigException("the " + what + " for " + describe() + " should be in environment variable "
            + envName + ", which is not set");
      }
      return Optional.of(v);
    }
    if (file != null) {
      try {
        return Optional.of(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
      } catch (IOException ex) {
        throw new StoreConfigException("cannot read the " + what + " for " + describe() + " from " + file + ": "
            + ex.getMessage());
      }
    }
    return Optional.empty();
  }

  private static String orDefault(String v, String d) {
    return v == null || v.isBlank() ? d : v;
  }
}
