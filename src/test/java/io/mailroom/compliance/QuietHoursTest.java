package io.mailroom.compliance;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The quiet-hours window on the calendar: across midnight, within a day, and over daylight-saving changes. */
class QuietHoursTest {
  private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static QuietHours window(String start, String end, ZoneId zone) {
    return new QuietHours(true, LocalTime.parse(start), LocalTime.parse(end), zone);
  }

  private static Instant at(String local, ZoneId zone) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(local), zone).toInstant();
  }

  @Test
  void aHoldThatEndedLessThanAStalePeriodAgoStillCountsForStaleness() {
    QuietHours night = window("21:00", "08:00", SEOUL);
    java.util.function.Function<String, SendingHold> holdAt = local -> new SendingHold(night,
        java.time.Clock.fixed(at(local, SEOUL), SEOUL));
    long minute = 60_000;
    assertThat(holdAt.apply("2026-12-08T07:59:00").heldWithin(minute)).as("held now").isTrue();
    assertThat(holdAt.apply("2026-12-08T08:00:30").heldWithin(minute)).as("ended 30 s ago").isTrue();
    assertThat(holdAt.apply("2026-12-08T08:00:30").held()).as("but not held now").isFalse();
    assertThat(holdAt.apply("2026-12-08T08:01:01").heldWithin(minute)).as("ended over a minute ago").isFalse();
    assertThat(holdAt.apply("2026-12-08T12:00:00").heldWithin(minute)).isFalse();
    assertThat(holdAt.apply("2026-12-08T21:00:00").heldWithin(minute)).as("began now").isTrue();
  }

  @Test
  void aWindowAcrossMidnightHoldsFromItsStartToTheNextMorning() {
    QuietHours night = window("21:00", "08:00", SEOUL);
    assertThat(night.crossesMidnight()).isTrue();
    assertThat(night.holds(at("2026-12-07T20:59:59", SEOUL))).isFalse();
    assertThat(night.heldUntil(at("2026-12-07T21:00:00", SEOUL))).contains(at("2026-12-08T08:00:00", SEOUL));
    assertThat(night.heldUntil(at("2026-12-07T23:59:59", SEOUL))).contains(at("2026-12-08T08:00:00", SEOUL));
    assertThat(night.heldUntil(at("2026-12-08T00:00:00", SEOUL))).contains(at("2026-12-08T08:00:00", SEOUL));
    assertThat(night.heldUntil(at("2026-12-08T07:59:59", SEOUL))).contains(at("2026-12-08T08:00:00", SEOUL));
    assertThat(night.holds(at("2026-12-08T08:00:00", SEOUL))).isFalse();
    assertThat(night.holds(at("2026-12-08T12:00:00", SEOUL))).isFalse();
  }

  @Test
  void aWindowWithinOneDayHoldsOnlyBetweenItsTimes() {
    QuietHours lunch = window("12:00", "13:00", SEOUL);
    assertThat(lunch.crossesMidnight()).isFalse();
    assertThat(lunch.holds(at("2026-12-07T11:59:59", SEOUL))).isFalse();
    assertThat(lunch.heldUntil(at("2026-12-07T12:00:00", SEOUL))).contains(at("2026-12-07T13:00:00", SEOUL));
    assertThat(lunch.heldUntil(at("2026-12-07T12:59:59", SEOUL))).contains(at("2026-12-07T13:00:00", SEOUL));
    assertThat(lunch.holds(at("2026-12-07T13:00:00", SEOUL))).isFalse();
    assertThat(lunch.holds(at("2026-12-07T00:30:00", SEOUL))).isFalse();
    assertThat(lunch.holds(at("2026-12-07T23:30:00", SEOUL))).isFalse();
  }

  @Test
  void theWindowFollowsTheWallClockOverDaylightSavingChanges() {
    QuietHours night = window("21:00", "08:00", NEW_YORK);
    // 2026-03-08: clocks go from 02:00 to 03:00; the night is one hour shorter
    Instant springStart = at("2026-03-07T21:00:00", NEW_YORK);
    Instant springEnd = night.heldUntil(springStart).orElseThrow();
    assertThat(springEnd).isEqualTo(at("2026-03-08T08:00:00", NEW_YORK));
    assertThat(java.time.Duration.between(springStart, springEnd).toHours()).isEqualTo(10);
    // 2026-11-01: clocks go from 02:00 back to 01:00; the night is one hour longer
    Instant fallStart = at("2026-10-31T21:00:00", NEW_YORK);
    Instant fallEnd = night.heldUntil(fallStart).orElseThrow();
    assertThat(java.time.Duration.between(fallStart, fallEnd).toHours()).isEqualTo(12);
    assertThat(night.holds(fallEnd.minusSeconds(1))).isTrue();
    assertThat(night.holds(fallEnd)).isFalse();
  }

  @Test
  void aWindowEndingInsideTheRepeatedHourEndsAtItsFirstOccurrence() {
    QuietHours early = window("00:00", "01:30", NEW_YORK);
    Instant first = ZonedDateTime.ofLocal(java.time.LocalDateTime.parse("2026-11-01T01:30:00"), NEW_YORK, null)
        .withEarlierOffsetAtOverlap().toInstant();
    assertThat(early.heldUntil(first.minusSeconds(1))).contains(first);
    // the second 01:00-01:30 (standard time) is an hour after the window ended: not held again
    assertThat(early.holds(first.plusSeconds(60 * 60 - 60))).isFalse();
  }

  @Test
  void aStartSkippedByTheClocksGoingForwardIsMovedLaterByTheGap() {
    QuietHours window = window("02:30", "04:00", NEW_YORK);
    assertThat(window.holds(at("2026-03-08T01:59:00", NEW_YORK))).isFalse();
    assertThat(window.holds(at("2026-03-08T03:29:00", NEW_YORK))).isFalse();
    assertThat(window.holds(at("2026-03-09T02:30:00", NEW_YORK))).isTrue();
    assertThat(window.heldUntil(at("2026-03-08T03:30:00", NEW_YORK))).contains(at("2026-03-08T04:00:00", NEW_YORK));
    assertThat(window.holds(at("2026-03-08T04:00:00", NEW_YORK))).isFalse();
  }

  @Test
  void offHoldsNothingAndEqualTimesAreRefused() {
    assertThat(QuietHours.off().heldUntil(at("2026-12-07T23:00:00", SEOUL))).isEqualTo(Optional.empty());
    assertThatThrownBy(() -> window("08:00", "08:00", SEOUL)).isInstanceOf(IllegalArgumentException.class);
  }
}
