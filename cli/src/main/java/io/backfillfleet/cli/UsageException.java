package io.backfillfleet.cli;

/** Bad input from the user (flags, job file): exit code 2 and a one-line message. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
