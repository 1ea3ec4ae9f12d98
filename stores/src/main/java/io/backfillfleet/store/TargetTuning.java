package io.backfillfleet.store;

import java.util.Map;

/**
 * Index settings a backfill may relax on its target while nothing reads from it, so bulk writes cost the target less
 * (issue 17). Values are strings as the engine reports them; a null value is "not set on the index" (the engine's
 * default applies), and setting null puts the default back. Settings are kept per concrete index, as an alias or a
 * pattern names several and they need not agree.
 */
public interface TargetTuning {
  /** The settings {@link #bulkValues()} changes, as they are now, per concrete index behind the configured name. */
  Map<String, Map<String, String>> current();

  /** The values for a bulk load, the same for every index. */
  Map<String, String> bulkValues();

  /** Sets each index's values (null: back to the engine's default). Indices not named are left alone. */
  void apply(Map<String, Map<String, String>> settingsByIndex);
}
