package io.backfillfleet.readcheck;

/**
 * What is asked of each cluster for one comparison: the same read in one engine, or the same question in two
 * engines' words (Solr to Elasticsearch). {@code shape} names the kind of query in the report; null lets the
 * comparison derive it from the legacy request's path and parameter names.
 */
public record QueryPair(ReadRequest legacy, ReadRequest candidate, String shape, String label) {

  public static QueryPair same(ReadRequest request) {
    return new QueryPair(request, request, null, null);
  }
}
