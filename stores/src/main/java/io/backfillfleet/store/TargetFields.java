package io.backfillfleet.store;

import java.util.Optional;

/**
 * What a target's schema says about its fields, for converting values into it (Solr: the schema's field classes;
 * Elasticsearch and OpenSearch convert and keep values themselves, so they describe none).
 */
public interface TargetFields {
  /** A target that takes every value as it is, nulls and empty lists included (an Elasticsearch {@code _source}). */
  TargetFields AS_IS = new TargetFields() {
    @Override
    public Optional<FieldKind> kindOf(String field) {
      return Optional.empty();
    }

    @Override
    public boolean holdsNulls() {
      return true;
    }
  };

  /** The kind of value {@code field} holds; empty when unknown or when the target converts by itself. */
  Optional<FieldKind> kindOf(String field);

  /** Whether a null, a null inside a list, or an empty list is stored as such (false: Solr leaves them out). */
  boolean holdsNulls();
}
