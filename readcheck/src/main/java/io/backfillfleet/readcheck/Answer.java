package io.backfillfleet.readcheck;

import java.nio.charset.StandardCharsets;

/**
 * A cluster's answer to one read: status and body bytes as received, how long it took, or why there is none
 * ({@code error}: connection refused, timeout; status is then 0).
 */
public record Answer(int status, byte[] body, long nanos, String error) {

  public static Answer failed(String error, long nanos) {
    return new Answer(0, new byte[0], nanos, error);
  }

  public boolean failed() {
    return error != null;
  }

  /** A server error or no answer at all: what the error rate counts (a 4xx is an answer, compared as such). */
  public boolean isError() {
    return error != null || status >= 500;
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body for a report, cut at {@code max} characters. */
  public String excerpt(int max) {
    if (error != null) return "(no answer: " + error + ")";
    String t = text();
    return t.length() <= max ? t : t.substring(0, max) + "... (" + t.length() + " characters)";
  }
}
