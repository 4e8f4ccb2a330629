package io.mailroom.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves: the system clock shifted by an offset the test sets, so that "now" can be
 * put inside or outside a window without waiting for it. Time still passes at the usual pace,
 * unless the clock is stopped.
 */
public final class SettableClock extends Clock {
  private volatile Duration shift = Duration.ZERO;
  private volatile Instant stopped;

  /** From now on, the clock reads {@code at} (and runs on from there). */
  public void set(Instant at) {
    shift = Duration.between(Instant.now(), at);
    stopped = null;
  }

  /** From now on, the clock reads {@code at} and stays there until it is set, stopped or reset again. */
  public void stop(Instant at) {
    stopped = at;
  }

  /** Back to the system clock. */
  public void reset() {
    shift = Duration.ZERO;
    stopped = null;
  }

  @Override
  public Instant instant() {
    Instant at = stopped;
    return at != null ? at : Instant.now().plus(shift);
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
