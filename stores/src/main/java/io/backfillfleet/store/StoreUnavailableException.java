package io.backfillfleet.store;

/** The store did not answer, or kept answering "busy", through every retry. Transient: try again later. */
public class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String endpoint, String action, int attempts, Throwable cause) {
    super(endpoint + " did not answer while " + action + " (" + attempts + " attempts; last error: "
        + describe(cause) + "). Check that the cluster is up and reachable from here", cause);
  }

  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage() == null ? "" : ": " + root.getMessage();
    return root.getClass().getSimpleName() + (m.length() > 300 ? m.substring(0, 300) + "..." : m);
  }
}
