package io.backfillfleet.store.solr;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading Solr's error messages for what the user can fix. */
final class SolrErrors {
  private SolrErrors() {}

  /**
   * The job-file setting (e.g. {@code timestampField}) whose field {@code message} names as a whole word: not as part
   * of a longer name, so a collection called {@code events_ts} does not implicate a timestamp field {@code ts}.
   *
   * @param settings setting name to field name
   */
  static Optional<String> mentionedField(String message, Map<String, String> settings) {
    return settings.entrySet().stream()
        .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
        .filter(e -> Pattern.compile("(?<![\\w.\\-/])" + Pattern.quote(e.getValue()) + "(?![\\w\\-/])")
            .matcher(message).find())
        .map(e -> e.getKey() + " '" + e.getValue() + "'")
        .sorted()
        .reduce((a, b) -> a + " or " + b);
  }
}
