package io.backfillfleet.coordinator;

/** Base of every error this module raises; its message is written for an on-call engineer. */
public class CoordinationException extends RuntimeException {
  public CoordinationException(String message) {
    super(message);
  }

  public CoordinationException(String message, Throwable cause) {
    super(message, cause);
  }
}
