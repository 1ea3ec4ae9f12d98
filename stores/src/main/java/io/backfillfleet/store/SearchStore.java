package io.backfillfleet.store;

/** A store that can be read from and written to: every engine adapter is one. */
public interface SearchStore extends SourceStore, TargetStore {
  @Override
  void close();
}
