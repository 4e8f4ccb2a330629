package io.mailroom.sync;

import io.mailroom.audience.Recipient;
import io.mailroom.config.MailroomConfig;
import io.vertx.sqlclient.Row;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * One row of the company's customer table, read through the configured column names, with the
 * checks that decide whether it may enter the audience. Timestamps are read in UTC. {@code attributes}
 * holds the columns {@code sync.columns.attributes} maps, by attribute name (see {@link MappedColumns}).
 */
record CustomerRow(long id, String email, String name, String gender, LocalDateTime created, Boolean subscribed,
                   LocalDateTime consentUpdatedAt, LocalDateTime updatedAt, LocalDateTime deletedAt,
                   Map<String, AttributeValue> attributes) {
  static CustomerRow of(Row row, MailroomConfig.Columns columns) {
    Object subscribed = row.getValue(columns.subscribed());
    return new CustomerRow(
        row.getLong(columns.id()),
        row.getString(columns.email()),
        row.getString(columns.name()),
        row.getString(columns.gender()),
        row.getLocalDateTime(columns.created()),
        subscribed == null ? null : subscribed instanceof Boolean b ? b : ((Number) subscribed).intValue() != 0,
        columns.consentUpdatedAt().isEmpty() ? null : row.getLocalDateTime(columns.consentUpdatedAt()),
        row.getLocalDateTime(columns.updatedAt()),
        columns.deletedAt().isEmpty() ? null : row.getLocalDateTime(columns.deletedAt()),
        MappedColumns.read(row, columns.attributes()));
  }

  /** Why this row cannot enter the audience, or null when it can. */
  String problem() {
    if (Recipient.address(email) == null) {
      return "invalid_email";
    }
    if (deleted()) {
      return null;
    }
    if (gender != null && normalGender() == null) {
      return "unknown_gender";
    }
    if (subscribed == null) {
      return "null_subscription_flag";
    }
    return null;
  }

  /** The address trimmed and lower-cased (see {@link Recipient#address}); for a row without a problem. */
  String normalEmail() {
    return Recipient.address(email);
  }

  /** Male, Female or Other (M/F accepted), "" when not given, null when not understood. */
  String normalGender() {
    if (gender == null || gender.isBlank()) {
      return "";
    }
    return switch (gender.trim().toLowerCase(Locale.ROOT)) {
      case "male", "m" -> "Male";
      case "female", "f" -> "Female";
      case "other", "o", "non-binary", "nonbinary" -> "Other";
      default -> null;
    };
  }

  boolean deleted() {
    return deletedAt != null;
  }

  /** When the row's consent last changed: its consent column where mapped and set, else its last update. */
  long consentChangedAt() {
    return millis(consentUpdatedAt != null ? consentUpdatedAt : updatedAt);
  }

  static long millis(LocalDateTime time) {
    return time == null ? 0 : time.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
