package io.mailroom.audience;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Compares a Users item's attribute values with a filter's values. Strings compare exactly (case
 * and accents count), except {@code Email}, whose filter values are lower-cased when parsed, as
 * the addresses are stored. Numbers compare by value ({@code 7} equals {@code 7.0}).
 */
final class StoredValues {
  private StoredValues() {
  }

  static boolean equal(AttributeValue stored, Object wanted, AudienceAttributes.Kind kind) {
    if (wanted instanceof String text) {
      return text.equals(stored.s());
    }
    if (wanted instanceof Boolean flag) {
      return flag.equals(stored.bool());
    }
    if (wanted instanceof Number number && stored.n() != null && kind != AudienceAttributes.Kind.STRING) {
      BigDecimal value = decimal(stored.n());
      return value != null && value.compareTo(new BigDecimal(number.toString())) == 0;
    }
    return false;
  }

  /** The stored time in epoch milliseconds; null when absent or not a number. */
  static Long millis(AttributeValue stored, AudienceAttributes.Kind kind) {
    if (stored == null || stored.n() == null) {
      return null;
    }
    BigDecimal value = decimal(stored.n());
    if (value == null) {
      return null;
    }
    BigDecimal millis = kind == AudienceAttributes.Kind.SECONDS ? value.movePointRight(3) : value;
    return millis.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? null : millis.longValue();
  }

  static boolean present(AttributeValue stored) {
    if (stored == null || Boolean.TRUE.equals(stored.nul())) {
      return false;
    }
    return stored.s() == null || !stored.s().isEmpty();
  }

  static String lowerCase(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  private static BigDecimal decimal(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
