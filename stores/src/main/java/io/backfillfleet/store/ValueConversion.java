package io.backfillfleet.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Converts one value to a {@link FieldKind} where the conversion is exact (the same number, instant or truth),
 * and otherwise says what was needed. A value already of the kind is returned as it is.
 */
final class ValueConversion {
  private static final Pattern WHOLE = Pattern.compile("-?\\d+");

  private ValueConversion() {}

  /** Thrown with the reason when a value cannot be converted exactly. */
  static final class NotConvertible extends Exception {
    NotConvertible(String field, Object value, FieldKind kind) {
      super("field '" + field + "' needs " + kind.needs() + "; got " + shown(value));
    }
  }

  static Object to(FieldKind kind, String field, Object v) throws NotConvertible {
    Object out = switch (kind) {
      case STRING -> v instanceof String ? v : v instanceof Number || v instanceof Boolean ? plain(v) : null;
      case INTEGER -> integer(v);
      case DECIMAL -> decimal(v);
      case BOOLEAN -> bool(v);
      case DATE -> date(v, false);
      case DATE_FROM_EPOCH_SECONDS -> date(v, true);
    };
    if (out == null) throw new NotConvertible(field, v, kind);
    return out;
  }

  private static String plain(Object v) {
    if (v instanceof Double d && !d.isInfinite() && !d.isNaN()) return BigDecimal.valueOf(d).toPlainString();
    if (v instanceof Float f && !f.isInfinite() && !f.isNaN()) return new BigDecimal(f.toString()).toPlainString();
    return String.valueOf(v);
  }

  private static Object integer(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
      return v;
    }
    BigDecimal d = v instanceof Number n ? decimalOf(n) : v instanceof String s ? parse(s.strip()) : null;
    if (d == null) return null;
    try {
      if (d.stripTrailingZeros().scale() > 0) return null; // 2.0 -> 2; 2.5 stays refused
      BigInteger b = d.toBigIntegerExact();
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    } catch (ArithmeticException notWhole) {
      return null;
    }
  }

  private static Object decimal(Object v) {
    if (v instanceof Number) return v;
    if (v instanceof String s) {
      BigDecimal d = parse(s.strip());
      return d == null ? null : d.doubleValue();
    }
    return null;
  }

  private static Object bool(Object v) {
    if (v instanceof Boolean) return v;
    if (v instanceof String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      if (t.equals("true") || t.equals("false")) return Boolean.valueOf(t);
    }
    return null;
  }

  /** As ISO-8601 in UTC (Solr's only date form), or the string as it was if it is that already. */
  private static Object date(Object v, boolean seconds) {
    // the common case, a date read from Solr or written by a client in Solr's own form, without parsing: a copy from
    // Solr spent 8 % of its worker's CPU here (the regex below, then Instant.parse)
    if (!seconds && v instanceof String s && isUtcInstant(s)) return s;
    BigDecimal epoch = v instanceof Number n ? decimalOf(n) : v instanceof String s && WHOLE.matcher(s.strip()).matches()
        ? new BigDecimal(s.strip()) : null;
    if (epoch != null) {
      try {
        long whole = epoch.toBigIntegerExact().longValueExact();
        return (seconds ? Instant.ofEpochSecond(whole) : Instant.ofEpochMilli(whole)).toString();
      } catch (ArithmeticException | java.time.DateTimeException notExact) {
        return null;
      }
    }
    if (!(v instanceof String s) || seconds) return null;
    String t = s.strip();
    try {
      Instant i = Instant.parse(t); // also reads an offset, which Solr does not
      return t.endsWith("Z") ? s : i.toString(); // with Z already what Solr reads
    } catch (DateTimeParseException notInstant) {
      // other ISO-8601 forms Elasticsearch accepts, each an exact instant
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toString();
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toString(); // Elasticsearch reads these as UTC
    } catch (DateTimeParseException e) {
      // next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Whether {@code s} is an instant in the form Solr reads and {@link Instant#toString} writes:
   * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (a four-digit year, 1 to 9 fraction digits), a real date and time of day.
   * Whatever else {@link Instant#parse} takes goes the long way.
   */
  static boolean isUtcInstant(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return false;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return false;
    }
    if (n > 20 && (s.charAt(19) != '.' || n < 22 || !allDigits(s, 20, n - 1))) return false;
    return day <= java.time.YearMonth.of(year, month).lengthOfMonth();
  }

  /** The decimal value of {@code s[from, to)} (a few digits), or -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }

  private static BigDecimal decimalOf(Number n) {
    if (n instanceof BigDecimal d) return d;
    if (n instanceof BigInteger i) return new BigDecimal(i);
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private static BigDecimal parse(String s) {
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String shown(Object v) {
    String s = v instanceof String str ? "\"" + str + "\"" : String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
