package io.backfillfleet.readcheck;

/** One way two answers differ, most serious kind first. */
public record Difference(Kind kind, String detail) {

  public enum Kind {
    /** One cluster failed or answered with another HTTP status. */
    STATUS(100),
    /** Another number of hits (documents matching). */
    HITS(50),
    /** Other documents among the top ids. */
    IDS(40),
    /** Other facet or aggregation buckets or counts. */
    BUCKETS(30),
    /** A returned document's field has another value, or is missing. */
    FIELDS(20),
    /** The same top ids in another order. */
    ORDER(10),
    /** A response the comparison does not know, different outside the ignored paths. */
    BODY(5);

    public final int weight;

    Kind(int weight) {
      this.weight = weight;
    }
  }

  @Override
  public String toString() {
    return kind + ": " + detail;
  }
}
