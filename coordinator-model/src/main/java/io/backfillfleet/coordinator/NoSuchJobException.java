package io.backfillfleet.coordinator;

/** The named job (or slice) is not in ZooKeeper. */
public class NoSuchJobException extends CoordinationException {
  public NoSuchJobException(String message) {
    super(message);
  }
}
