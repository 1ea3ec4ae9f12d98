package io.backfillfleet.store;

/** A store description that cannot work; the message names the field. Raised before any work starts. */
public class StoreConfigException extends StoreException {
  public StoreConfigException(String message) {
    super(message);
  }

  /** With the store's full answer as the cause (printed with --verbose). */
  public StoreConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
