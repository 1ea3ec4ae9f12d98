package io.backfillfleet.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;

/** Reads the store descriptions and field mapping a job was published with. */
public final class JobStores {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private JobStores() {}

  public static StoreConfig source(JobSpec spec) {
    return config(spec, spec.source(), "source");
  }

  public static StoreConfig target(JobSpec spec) {
    return config(spec, spec.target(), "target");
  }

  public static FieldMapping mapping(JobSpec spec) {
    JsonNode m = spec.plan() == null ? null : spec.plan().get("fieldMapping");
    if (m == null || m.isNull()) return FieldMapping.NONE;
    try {
      return JSON.treeToValue(m, FieldMapping.class);
    } catch (Exception e) {
      throw new StoreConfigException("job " + spec.name() + ": fieldMapping cannot be read: " + e.getMessage());
    }
  }

  private static StoreConfig config(JobSpec spec, JsonNode node, String role) {
    if (node == null || node.isNull()) {
      throw new StoreConfigException("job " + spec.name() + " was published without a " + role + " store");
    }
    try {
      return JSON.treeToValue(node, StoreConfig.class).validate(role);
    } catch (StoreConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new StoreConfigException("job " + spec.name() + ": the " + role + " store description cannot be read: "
          + e.getMessage());
    }
  }
}
