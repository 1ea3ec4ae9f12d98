package io.backfillfleet.coordinator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node {@code /backfill/jobs/<job>/target-tuning}: the target's settings before {@code --tune-target} changed them,
 * so they can be put back. Engine-neutral: setting names and values are strings as the target reports them, and a null
 * value means "not set on the index" (restored by resetting it to the engine's default).
 *
 * <p>{@link State#APPLYING}: the originals are recorded and the tuning is being (or was) applied; {@link State#APPLIED}:
 * it is in place; {@link State#RESTORED}: the originals were written back, and the target is never tuned again by
 * this job (reads may be served from it by then).
 *
 * @param original per concrete index (an alias may name several), each tuned setting's value before the tuning
 * @param tuned    the values the tuning sets on every index
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetTuningNode(
    @JsonProperty(required = true) int schema,
    @JsonProperty(required = true) State state,
    @JsonProperty(required = true) Map<String, Map<String, String>> original,
    @JsonProperty(required = true) Map<String, String> tuned,
    Instant appliedAt,
    String appliedBy,
    Instant restoredAt,
    String restoredBy) {

  public static final int SCHEMA = 1;

  public enum State { APPLYING, APPLIED, RESTORED }

  public TargetTuningNode {
    if (state == null) throw new IllegalArgumentException("state is missing");
    if (original == null || original.isEmpty()) throw new IllegalArgumentException("original settings are missing");
    if (tuned == null || tuned.isEmpty()) throw new IllegalArgumentException("tuned settings are missing");
    // copies that keep nulls (Map.copyOf refuses them, and null is "was not set")
    Map<String, Map<String, String>> o = new LinkedHashMap<>();
    original.forEach((index, values) -> o.put(index, Collections.unmodifiableMap(new LinkedHashMap<>(values))));
    original = Collections.unmodifiableMap(o);
    tuned = Collections.unmodifiableMap(new LinkedHashMap<>(tuned));
  }

  public static TargetTuningNode applying(Map<String, Map<String, String>> original, Map<String, String> tuned,
      String by, Instant now) {
    return new TargetTuningNode(SCHEMA, State.APPLYING, original, tuned, now, by, null, null);
  }

  public TargetTuningNode inState(State s) {
    return new TargetTuningNode(SCHEMA, s, original, tuned, appliedAt, appliedBy, restoredAt, restoredBy);
  }

  public TargetTuningNode restored(String by, Instant now) {
    return new TargetTuningNode(SCHEMA, State.RESTORED, original, tuned, appliedAt, appliedBy, now, by);
  }

  /** Whether the target may be tuned now (or is about to be): not yet restored. */
  public boolean inEffect() {
    return state != State.RESTORED;
  }

  /** "refresh_interval -1, number_of_replicas 0", for messages. */
  public String describeTuned() {
    StringBuilder b = new StringBuilder();
    tuned.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k.startsWith("index.") ? k.substring(6) : k)
        .append(' ').append(v));
    return b.toString();
  }

  /** The originals, for messages: "idx: refresh_interval (not set), number_of_replicas 1". */
  public String describeOriginal() {
    StringBuilder b = new StringBuilder();
    original.forEach((index, values) -> {
      b.append(b.length() == 0 ? "" : "; ").append(index).append(':');
      String sep = " ";
      for (Map.Entry<String, String> e : values.entrySet()) {
        String k = e.getKey().startsWith("index.") ? e.getKey().substring(6) : e.getKey();
        b.append(sep).append(k).append(' ').append(e.getValue() == null ? "(not set)" : e.getValue());
        sep = ", ";
      }
    });
    return b.toString();
  }
}
