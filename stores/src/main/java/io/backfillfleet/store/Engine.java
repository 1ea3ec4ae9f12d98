package io.backfillfleet.store;

import java.util.Locale;

/** The search engines a store can talk to. */
public enum Engine {
  SOLR,
  ELASTICSEARCH;

  public static Engine parse(String s) {
    if (s == null) throw new StoreConfigException("engine is missing: use 'solr' or 'elasticsearch'");
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "solr" -> SOLR;
      case "elasticsearch", "es" -> ELASTICSEARCH;
      default -> throw new StoreConfigException("engine '" + s + "' is not known: use 'solr' or 'elasticsearch'");
    };
  }
}
