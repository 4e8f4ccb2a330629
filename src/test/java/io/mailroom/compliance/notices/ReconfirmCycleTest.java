package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which two-year cycle a consent is in, and the consent date of a customer without {@code ConsentAt}. */
class ReconfirmCycleTest {
  private static long at(int year, int month, int day) {
    return ZonedDateTime.of(year, month, day, 9, 0, 0, 0, NoticeComposer.KOREA).toInstant().toEpochMilli();
  }

  @Test
  void dueWithinTheLeadDaysOfTheAnniversaryAndNotBefore() {
    long consented = at(2024, 12, 20);
    assertThat(ReconfirmCycle.due(consented, LocalDate.of(2026, 11, 19), 30)).isEmpty();
    assertThat(ReconfirmCycle.due(consented, LocalDate.of(2026, 11, 20), 30).orElseThrow().anniversary())
        .isEqualTo(LocalDate.of(2026, 12, 20));
    assertThat(ReconfirmCycle.due(consented, LocalDate.of(2025, 12, 20), 30)).as("one year on").isEmpty();
  }

  @Test
  void aMissedCycleIsStillDueAndTheNextCycleFollowsTwoYearsLater() {
    long consented = at(2022, 3, 1);
    assertThat(ReconfirmCycle.due(consented, LocalDate.of(2025, 6, 1), 30).orElseThrow().anniversary())
        .isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(ReconfirmCycle.due(consented, LocalDate.of(2026, 2, 1), 30).orElseThrow().anniversary())
        .isEqualTo(LocalDate.of(2026, 3, 1));
  }

  @Test
  void withoutConsentAtTheCustomerIsDatedFromCreateTimeAndWithoutEitherNotAtAll() {
    long created = at(2024, 5, 5);
    Recipient dated = new Recipient("a@example.com", "", "", created / 1000, true, Set.of(), 0);
    assertThat(ReconfirmCycle.consentAt(dated)).isEqualTo(created);
    Recipient consented = new Recipient("a@example.com", "", "", created / 1000, true, Set.of(), created + 1);
    assertThat(ReconfirmCycle.consentAt(consented)).isEqualTo(created + 1);
    Recipient undated = new Recipient("a@example.com", "", "", 0, true, Set.of(), 0);
    assertThat(ReconfirmCycle.consentAt(undated)).isZero();
    assertThat(ReconfirmCycle.due(0, LocalDate.of(2030, 1, 1), 30)).isEmpty();
  }
}
