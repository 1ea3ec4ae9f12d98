package io.backfillfleet.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The fast path for dates already in Solr's form gives exactly what the parsing path gives. */
class ValueConversionFastPathTest {
  @Test
  void aUtcInstantInSolrsFormIsPassedOnAsItIs() throws Exception {
    for (String s : new String[] {"2021-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "1999-12-31T12:30:05.1Z",
        "2021-06-30T10:00:00.123456789Z", "0000-01-01T00:00:00Z"}) {
      assertThat(ValueConversion.isUtcInstant(s)).as(s).isTrue();
      assertThat(Instant.parse(s)).as(s + " is an instant").isNotNull();
      assertThat(ValueConversion.to(FieldKind.DATE, "ts", s)).as(s).isSameAs(s);
    }
  }

  @Test
  void anythingElseTakesTheLongWayWithTheSameAnswerAsBefore() throws Exception {
    for (String s : new String[] {"2023-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "2021-01-01T24:00:00Z",
        "2021-01-01T00:00:00.Z", "2021-01-01T00:00:00.1234567890Z", "2021-01-01 00:00:00Z", "2021-01-01T00:00:00+02:00",
        "2021-01-01T00:00:00", "2021-01-01", "1609459200000", " 2021-01-01T00:00:00Z", "+12021-01-01T00:00:00Z"}) {
      assertThat(ValueConversion.isUtcInstant(s)).as(s).isFalse();
    }
    assertThat(ValueConversion.to(FieldKind.DATE, "ts", "2021-01-01T00:00:00+02:00")).isEqualTo("2020-12-31T22:00:00Z");
    assertThat(ValueConversion.to(FieldKind.DATE, "ts", "1609459200000")).isEqualTo("2021-01-01T00:00:00Z");
    assertThat(ValueConversion.to(FieldKind.DATE, "ts", "2021-01-01")).isEqualTo("2021-01-01T00:00:00Z");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValueConversion.to(FieldKind.DATE, "ts",
        "2023-02-29T00:00:00Z")).isInstanceOf(ValueConversion.NotConvertible.class);
  }
}
