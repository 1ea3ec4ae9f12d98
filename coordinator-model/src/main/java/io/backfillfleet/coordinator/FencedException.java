package io.backfillfleet.coordinator;

/**
 * This worker no longer holds the slice: its session expired and someone else claimed it, or an operator
 * released it. The holder must stop working on the slice at once and never write to its work node again.
 */
public class FencedException extends CoordinationException {
  private final String sliceId;

  public FencedException(String sliceId, String why) {
    super("fenced from slice " + sliceId + ": " + why + "; stopping work on it (another holder owns it now)");
    this.sliceId = sliceId;
  }

  public String sliceId() {
    return sliceId;
  }
}
