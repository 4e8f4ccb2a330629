package io.mailroom.compliance;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The daily window in which no campaign email is sent ({@code compliance.quietHours}): from
 * {@code start} to {@code end}, local times in {@code zone}. A window whose start is later than its
 * end crosses midnight (21:00 to 08:00 the next morning). Times are placed on each day by the zone's
 * rules, so a daylight-saving change moves the window's instants with the wall clock; a local time
 * that does not exist that day (skipped by the clocks going forward) is moved later by the gap, and
 * one that occurs twice is its first occurrence.
 */
public record QuietHours(boolean enabled, LocalTime start, LocalTime end, ZoneId zone) {

  public QuietHours {
    if (enabled && start.equals(end)) {
      throw new IllegalArgumentException("quiet hours must start and end at different times");
    }
  }

  /** No window: campaign email goes out at any hour. */
  public static QuietHours off() {
    return new QuietHours(false, LocalTime.of(21, 0), LocalTime.of(8, 0), ZoneId.of("Asia/Seoul"));
  }

  /** Whether {@code at} falls inside a window (never when the rule is off). */
  public boolean holds(Instant at) {
    return heldUntil(at).isPresent();
  }

  /**
   * The end of the window {@code at} falls in (the first instant campaign email may go out again);
   * empty when {@code at} is outside every window or the rule is off. The start is inside, the end
   * is not.
   */
  public Optional<Instant> heldUntil(Instant at) {
    if (!enabled) {
      return Optional.empty();
    }
    LocalDate today = at.atZone(zone).toLocalDate();
    // a window that began yesterday may still run (crossing midnight, or a long day-saving shift)
    for (LocalDate day : new LocalDate[] {today.minusDays(1), today}) {
      Instant from = ZonedDateTime.of(day, start, zone).toInstant();
      Instant until = ZonedDateTime.of(crossesMidnight() ? day.plusDays(1) : day, end, zone).toInstant();
      if (!at.isBefore(from) && at.isBefore(until)) {
        return Optional.of(until);
      }
    }
    return Optional.empty();
  }

  /** Whether the window runs past midnight into the next day. */
  public boolean crossesMidnight() {
    return start.isAfter(end);
  }
}
