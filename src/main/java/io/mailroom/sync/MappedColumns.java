package io.mailroom.sync;

import io.vertx.sqlclient.Row;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The customer table's columns that {@code sync.columns.attributes} maps to Users attributes, as
 * DynamoDB values: text as a string, numbers as numbers, booleans as booleans, and dates and times
 * (read in UTC) as epoch milliseconds, so that audience filters can compare them with
 * {@code before}/{@code after}. A SQL NULL is {@link #ABSENT}: the attribute is removed.
 */
final class MappedColumns {
  /** A mapped column that is NULL: the Users item must not hold the attribute. */
  static final AttributeValue ABSENT = AttributeValue.fromNul(true);

  private MappedColumns() {
  }

  /** The row's mapped columns by attribute name, in name order (the order their placeholders follow). */
  static Map<String, AttributeValue> read(Row row, Map<String, String> attributes) {
    Map<String, AttributeValue> values = new TreeMap<>();
    attributes.forEach((column, attribute) -> values.put(attribute, value(row.getValue(column))));
    return values;
  }

  static AttributeValue value(Object value) {
    if (value == null) {
      return ABSENT;
    }
    if (value instanceof Boolean flag) {
      return AttributeValue.fromBool(flag);
    }
    if (value instanceof BigDecimal decimal) {
      return AttributeValue.fromN(decimal.stripTrailingZeros().toPlainString());
    }
    if (value instanceof Number number) {
      return AttributeValue.fromN(new BigDecimal(number.toString()).stripTrailingZeros().toPlainString());
    }
    if (value instanceof LocalDateTime time) {
      return AttributeValue.fromN(Long.toString(time.toInstant(ZoneOffset.UTC).toEpochMilli()));
    }
    if (value instanceof LocalDate date) {
      return AttributeValue.fromN(Long.toString(date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli()));
    }
    if (value instanceof OffsetDateTime time) {
      return AttributeValue.fromN(Long.toString(time.toInstant().toEpochMilli()));
    }
    String text = value.toString();
    return text.isEmpty() ? ABSENT : AttributeValue.fromS(text);
  }

  /**
   * What an UpdateItem adds for a row's mapped columns: {@code ", #m0 = :m0"} for each that holds a
   * value, {@code " REMOVE #m1"} for those that are NULL, and the names and values the
   * placeholders stand for (numbered in attribute-name order).
   */
  record Update(String set, String remove, Map<String, String> names, Map<String, AttributeValue> values) {
    static Update of(Map<String, AttributeValue> attributes) {
      StringBuilder set = new StringBuilder();
      List<String> removed = new ArrayList<>();
      Map<String, String> names = new HashMap<>();
      Map<String, AttributeValue> values = new HashMap<>();
      int i = 0;
      for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
        names.put("#m" + i, attribute.getKey());
        if (attribute.getValue().equals(ABSENT)) {
          removed.add("#m" + i);
        } else {
          set.append(", #m").append(i).append(" = :m").append(i);
          values.put(":m" + i, attribute.getValue());
        }
        i++;
      }
      return new Update(set.toString(), removed.isEmpty() ? "" : " REMOVE " + String.join(", ", removed), names, values);
    }
  }

  /** Whether the stored attribute already holds {@code value} (absent for {@link #ABSENT}). */
  static boolean same(AttributeValue stored, AttributeValue value) {
    return value.equals(ABSENT) ? stored == null : value.equals(stored);
  }
}
