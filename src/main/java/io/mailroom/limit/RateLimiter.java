package io.mailroom.limit;

import io.vertx.core.Future;

/**
 * The SES sending budget shared by every Sender that uses it: a pace (at most one send slot every
 * {@code 1 / rate} seconds, no bursts) and a rolling 24-hour count. Slots are reserved ahead of
 * time, at most {@link #AHEAD_MICROS} ahead; the caller waits until its slot and then calls SES.
 * Implementations: {@link RedisRateLimiter} (shared by every node) and {@link LocalRateLimiter}
 * (one process).
 */
public interface RateLimiter {
  /** How far ahead a slot may be reserved. */
  long AHEAD_MICROS = 250_000;
  /**
   * How long after its time a granted slot may still be given back. While one may, a used-up
   * 24-hour quota answers {@link Permit.Outcome#WAIT}, not {@link Permit.Outcome#EXHAUSTED}: slots
   * that a starved node gives up late still go to the quota's last emails.
   */
  long SETTLE_MICROS = 5_000_000;

  /** The limits to apply: emails per second, emails per rolling 24 hours, and what SES says was sent. */
  record Quota(double ratePerSecond, long daily, long sesSentLast24Hours) {
    /** Microseconds between two slots, rounded up so that the pace never exceeds the rate. */
    public long intervalMicros() {
      return (long) Math.ceil(1_000_000 / ratePerSecond);
    }
  }

  /**
   * The answer to one acquire. {@code slot} names a granted slot (its time on the limiter's clock,
   * in microseconds), for {@link #giveBack}; 0 otherwise.
   */
  record Permit(Outcome outcome, long micros, long usedToday, long slot) {
    public enum Outcome {
      /** A slot is reserved {@code micros} from now. */
      GRANTED,
      /** Every slot within the look-ahead is taken: ask again in {@code micros}. */
      WAIT,
      /** The 24-hour quota is used up. */
      EXHAUSTED
    }
  }

  /** Reserves one slot (or says when to ask again, or that the day's quota is used up). */
  Future<Permit> acquire(Quota quota);

  /** The reserved {@code slot} went unused (its email did not go out): it no longer counts against the day. */
  Future<Void> giveBack(Quota quota, long slot);

  /** Emails counted in the last 24 hours (at least what SES reported), without taking a slot. */
  Future<Long> usedToday(Quota quota);

  /** Whether the store behind the limiter answers (for readiness). */
  Future<Void> check();

  Future<Void> close();

  String name();
}
