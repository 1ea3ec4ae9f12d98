package io.backfillfleet.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The kind of value a target field holds, as far as converting values between engines needs it; also the types
 * the job file's {@code fieldMapping.convert} names.
 */
public enum FieldKind {
  STRING("string", "a string"),
  INTEGER("integer", "a whole number"),
  DECIMAL("decimal", "a number"),
  BOOLEAN("boolean", "true or false"),
  /** ISO-8601, a date alone (midnight UTC), or epoch milliseconds (as Elasticsearch's default date format reads them). */
  DATE("date", "a date (ISO-8601 or epoch milliseconds)"),
  /** A number of seconds since the epoch (an Elasticsearch field with {@code format: epoch_second}). */
  DATE_FROM_EPOCH_SECONDS("date_from_epoch_seconds", "a date in epoch seconds");

  private final String name;
  private final String needs;

  FieldKind(String name, String needs) {
    this.name = name;
    this.needs = needs;
  }

  /** What a value of this kind is, for a message: "a whole number". */
  public String needs() {
    return needs;
  }

  @JsonValue
  public String jobFileName() {
    return name;
  }

  @JsonCreator
  public static FieldKind of(String name) {
    for (FieldKind k : values()) if (k.name.equals(String.valueOf(name).toLowerCase(Locale.ROOT))) return k;
    throw new IllegalArgumentException("unknown type '" + name + "' in fieldMapping.convert: use string, integer,"
        + " decimal, boolean, date or date_from_epoch_seconds");
  }
}
