package io.mailroom.limit;

import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeSet;

/**
 * The in-process limiter of the embedded default, for one node: the same pace and 24-hour ledger
 * as {@link RedisRateLimiter}'s script, held in memory (lost at restart, where SES's own
 * {@code SentLast24Hours} is the floor of the count).
 */
public final class LocalRateLimiter implements RateLimiter {
  private static final long MINUTE_MICROS = 60_000_000L;
  private static final long DAY_MINUTES = 1440;

  private record Bucket(long minute, long count) { }

  private final Deque<Bucket> ledger = new ArrayDeque<>();
  /** Slots granted in the last {@link #SETTLE_MICROS}, which may still be given back. */
  private final TreeSet<Long> pending = new TreeSet<>();
  private long total;
  private long nextSlot = -1;
  private final long startMicros = System.currentTimeMillis() * 1000;
  private final long startNanos = System.nanoTime();

  @Override
  public synchronized Future<Permit> acquire(Quota quota) {
    long now = nowMicros();
    long used = used(now, quota);
    if (used >= quota.daily()) {
      return Future.succeededFuture(pending.isEmpty() ? new Permit(Permit.Outcome.EXHAUSTED, 0, used, 0)
          : new Permit(Permit.Outcome.WAIT, Math.max(1000, Math.min(pending.first() + SETTLE_MICROS - now, 100_000)),
              used, 0));
    }
    long slot = nextSlot < 0 ? now : Math.max(nextSlot, now);
    long delay = slot - now;
    if (delay > AHEAD_MICROS) {
      return Future.succeededFuture(new Permit(Permit.Outcome.WAIT, delay - AHEAD_MICROS, used, 0));
    }
    nextSlot = slot + quota.intervalMicros();
    if (quota.daily() - (used + 1) <= SETTLE_MICROS / quota.intervalMicros() + 1) {
      // only a slot granted near the quota can still be unsettled when the ledger fills
      pending.add(slot);
    }
    long minute = now / MINUTE_MICROS;
    Bucket last = ledger.peekLast();
    if (last != null && last.minute() == minute) {
      ledger.pollLast();
      ledger.addLast(new Bucket(minute, last.count() + 1));
    } else {
      ledger.addLast(new Bucket(minute, 1));
    }
    total++;
    return Future.succeededFuture(new Permit(Permit.Outcome.GRANTED, delay, used + 1, slot));
  }

  @Override
  public synchronized Future<Void> giveBack(Quota quota, long slot) {
    pending.remove(slot);
    Bucket last = ledger.pollLast();
    if (last != null) {
      total--;
      if (last.count() > 1) {
        ledger.addLast(new Bucket(last.minute(), last.count() - 1));
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Long> usedToday(Quota quota) {
    return Future.succeededFuture(used(nowMicros(), quota));
  }

  private long used(long now, Quota quota) {
    pending.headSet(now - SETTLE_MICROS).clear();
    long floor = now / MINUTE_MICROS - DAY_MINUTES;
    while (!ledger.isEmpty() && ledger.peekFirst().minute() < floor) {
      total -= ledger.pollFirst().count();
    }
    return Math.max(total, quota.sesSentLast24Hours());
  }

  /** Wall-clock microseconds that never go backwards (minute buckets need the wall clock). */
  private long nowMicros() {
    return startMicros + (System.nanoTime() - startNanos) / 1000;
  }

  @Override
  public Future<Void> check() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String name() {
    return "local";
  }
}
