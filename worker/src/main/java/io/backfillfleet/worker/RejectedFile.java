package io.backfillfleet.worker;

/**
 * Job file {@code rejected: {file: PATH}}: every worker appends each document the target rejected to PATH on its own
 * file system, one JSON line each ({@code slice, id, reason, time}). {@code {worker}} in PATH is replaced by the
 * worker id, so workers sharing a file system write a file each.
 */
public record RejectedFile(String file) {
  public RejectedFile {
    if (file == null || file.isBlank()) throw new IllegalArgumentException("rejected.file needs a path");
  }
}
