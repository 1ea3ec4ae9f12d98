package io.backfillfleet.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.store.FieldMapping;
import io.backfillfleet.store.StoreConfig;
import io.backfillfleet.store.StoreConfigException;

/** Reads the store descriptions, field mapping and rejection settings a job was published with. */
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

  /** The job's tolerance of rejected documents ({@code errors} in the job file), or the default. */
  public static RejectionPolicy errors(JobSpec spec) {
    RejectionPolicy p = setting(spec, "errors", RejectionPolicy.class);
    return p == null ? RejectionPolicy.DEFAULT : p;
  }

  /** The file the job names for the full list of rejected documents ({@code rejected.file}), or null. */
  public static RejectedFile rejectedFile(JobSpec spec) {
    return setting(spec, "rejected", RejectedFile.class);
  }

  /** Where a job carries its planner's watermark snapshot for the workers (a Solr source's, once usable). */
  public static final String CHANGE_MARK = "sourceChangeMark";

  /** The source's watermark snapshot the planner published with the job, usable at once; empty for none. */
  public static java.util.OptionalLong changeMark(JobSpec spec) {
    JsonNode m = spec.plan() == null ? null : spec.plan().get(CHANGE_MARK);
    return m != null && m.canConvertToLong() && m.asLong() >= 0 ? java.util.OptionalLong.of(m.asLong())
        : java.util.OptionalLong.empty();
  }

  private static <T> T setting(JobSpec spec, String name, Class<T> type) {
    JsonNode m = spec.plan() == null ? null : spec.plan().get(name);
    if (m == null || m.isNull()) return null;
    try {
      return JSON.treeToValue(m, type);
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      throw new StoreConfigException("job " + spec.name() + ": " + name + " cannot be read: " + cause.getMessage());
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
