package io.mailroom.api;

import io.mailroom.http.ApiError;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code sendAt} field of {@code POST /v1/campaigns}: when a scheduled campaign starts. An
 * ISO-8601 date and time with its offset ({@code 2026-12-03T10:00:00+09:00} or {@code ...Z}); a time
 * without one is refused rather than guessed (the server's zone is nobody's intent), and so is a
 * time that has passed or lies more than a year ahead.
 */
final class SendAt {
  static final String FIELD = "sendAt";
  static final Duration MAX_AHEAD = Duration.ofDays(365);

  private SendAt() {
  }

  /** Epoch milliseconds of {@code value}; 0 when absent (the campaign starts at once). */
  static long parse(Object value, long now) {
    if (value == null) {
      return 0;
    }
    if (!(value instanceof String text)) {
      throw refused("sendAt must be a string: an ISO-8601 time with an offset, such as 2026-12-03T10:00:00+09:00");
    }
    long at = instant(text.trim());
    if (at <= now) {
      throw refused("sendAt must be in the future; " + text + " has passed");
    }
    if (at > now + MAX_AHEAD.toMillis()) {
      throw refused("sendAt must be at most 365 days ahead");
    }
    return at;
  }

  private static long instant(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      if (isLocal(text)) {
        throw refused("sendAt must carry an offset (such as +09:00 or Z): '" + text + "' names no time zone");
      }
      throw refused("sendAt must be an ISO-8601 time with an offset, such as 2026-12-03T10:00:00+09:00");
    }
  }

  private static boolean isLocal(String text) {
    try {
      LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static ApiError refused(String message) {
    return ApiError.badField(FIELD, "invalid_field", message);
  }
}
