package io.backfillfleet.store;

/**
 * Reads one tenant window page by page, like a Flink split reader: resumable from any {@link Page#next()}
 * cursor, also in a new process.
 */
public interface WindowReader extends AutoCloseable {
  Page readPage(int pageSize);

  @Override
  void close();
}
