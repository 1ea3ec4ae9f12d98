package io.backfillfleet.store;

/** Whether a target can be tuned for the backfill ({@link TargetTuning}), and if not, why. */
public sealed interface TuningSupport {
  record Tunable(TargetTuning tuning) implements TuningSupport {}

  /** @param reason one line for the user, e.g. which targets it is for */
  record NotTunable(String reason) implements TuningSupport {}
}
