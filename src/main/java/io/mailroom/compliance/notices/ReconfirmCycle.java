package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/**
 * When a customer's consent is due for its reconfirmation (시행령 제62조의3: every two years from the
 * date of consent). The consent date is {@code ConsentAt}; a customer without one (consent given
 * before Mailroom or the Syncer recorded it) is dated from {@code CreateTime}, the day they became a
 * customer, which is never later than their consent, so their notice comes early rather than late.
 * Dates are Korean dates.
 */
record ReconfirmCycle(long consentAt, LocalDate anniversary) {
  /** A {@code CreateTime} above this is in milliseconds (the field is epoch seconds). */
  private static final long MILLIS_FROM = 100_000_000_000L;

  /** The customer's consent time in epoch millis, from {@code ConsentAt} or else {@code CreateTime}; 0 when neither. */
  static long consentAt(Recipient recipient) {
    if (recipient.consentAt() > 0) {
      return recipient.consentAt();
    }
    long created = recipient.createTime();
    return created <= 0 ? 0 : created >= MILLIS_FROM ? created : created * 1000;
  }

  /**
   * The cycle whose notice is due on {@code today}: the latest two-year anniversary of the consent
   * that is at most {@code leadDays} away (or already past, when the notice of that cycle was
   * missed). Empty when the first anniversary is still further away, or the customer has no date.
   */
  static Optional<ReconfirmCycle> due(long consentAt, LocalDate today, int leadDays) {
    if (consentAt <= 0) {
      return Optional.empty();
    }
    LocalDate consented = LocalDate.ofInstant(Instant.ofEpochMilli(consentAt), NoticeComposer.KOREA);
    LocalDate anniversary = null;
    for (int years = 2; !consented.plusYears(years).minusDays(leadDays).isAfter(today); years += 2) {
      anniversary = consented.plusYears(years);
    }
    return anniversary == null ? Optional.empty() : Optional.of(new ReconfirmCycle(consentAt, anniversary));
  }
}
