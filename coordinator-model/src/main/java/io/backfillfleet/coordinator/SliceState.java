package io.backfillfleet.coordinator;

/**
 * The stored state of a slice. "In progress" is deliberately not a state: it is the existence of the
 * ephemeral claim node, so a crashed worker can never leave a slice stuck "in progress".
 */
public enum SliceState {
  PENDING,
  DONE,
  FAILED
}
