package io.backfillfleet.coordinator;

/** ZooKeeper did not answer (unreachable, or no quorum) within the retry budget. Nothing was changed. */
public class CoordinatorUnavailableException extends CoordinationException {
  public CoordinatorUnavailableException(String connectString, String action, Throwable cause) {
    super("ZooKeeper at " + connectString + " did not answer while " + action + " (" + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "). Check that a majority of the ensemble is"
        + " up and reachable; work resumes from the last checkpoint once it is back", cause);
  }
}
