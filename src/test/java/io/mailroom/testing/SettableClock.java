package io.mailroom.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves: the system clock shifted by an offset the test sets, so that "now" can be
 * put inside or outside a window without waiting for it. Time still passes at the usual pace.
 */
public final class SettableClock extends Clock {
  private volatile Duration shift = Duration.ZERO;

  /** From now on, the clock reads {@code at} (and runs on from there). */
  public void set(Instant at) {
    shift = Duration.between(Instant.now(), at);
  }

  /** Back to the system clock. */
  public void reset() {
    shift = Duration.ZERO;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(shift);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a settable clock reads UTC");
  }
}
