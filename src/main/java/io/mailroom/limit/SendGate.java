package io.mailroom.limit;

import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * This node's door to the {@link RateLimiter}: the Senders queue here for send slots, first come
 * first served, and the gate asks the limiter for one slot at a time (so the node keeps one call
 * in flight to Redis however many emails wait), then releases each waiter at its slot. A slot
 * the gate could not hand out in time (a GC pause, an overloaded machine) is given up rather than
 * used late, so sends never bunch up. When the limiter fails (Redis down) nothing is released
 * until it answers again; when SES throttles, the whole node waits, backing off.
 *
 * <p>{@link #acquire()}, {@link #throttled()} and {@link #hasRoom()} may be called from any
 * context; the queue itself lives on the gate's own context.
 */
public final class SendGate extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SendGate.class);
  /** A slot not used within this of its time is given up: sends never bunch up behind a stall. */
  public static final long STALE_NANOS = 50_000_000L;
  private static final long FIRST_THROTTLE_MILLIS = 250;
  private static final long MAX_THROTTLE_MILLIS = 30_000;

  private final RateLimiter limiter;
  private final MailroomMetrics metrics;
  private final long maxWaitMillis;
  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private final AtomicInteger held = new AtomicInteger();
  private volatile RateLimiter.Quota quota;
  private volatile boolean available = true;
  private boolean calling;
  private long retryTimer = -1;
  private int failures;
  private long pausedUntil;
  private long throttleMillis;
  private volatile boolean acceptedSinceThrottle = true;
  private boolean exhausted;

  public SendGate(RateLimiter limiter, MailroomMetrics metrics, long maxWaitMillis) {
    this.limiter = limiter;
    this.metrics = metrics;
    this.maxWaitMillis = maxWaitMillis;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }

  /** Completes, on the caller's context, at this email's send slot; fails with {@link NoSendSlot}. */
  public Future<Void> acquire() {
    return acquire(maxWaitMillis);
  }

  /**
   * As {@link #acquire()}, waiting at most {@code withinMillis} (and the gate's own limit): a slot
   * that would come later is never taken, or is given back unused, and the wait fails TIMED_OUT.
   */
  public Future<Void> acquire(long withinMillis) {
    return acquire(withinMillis, () -> true);
  }

  /** As {@link #acquire(long)}, only while {@code open} holds (asked again at the slot): else fails HELD. */
  public Future<Void> acquire(long withinMillis, BooleanSupplier open) {
    Waiter waiter = new Waiter(Vertx.currentContext(), Math.max(1, Math.min(maxWaitMillis, withinMillis)), open);
    context.runOnContext(v -> enqueue(waiter));
    return waiter.promise.future();
  }

  /**
   * SES answered with throttling: every Sender of this node waits, 250 ms, doubling up to 30 s
   * while SES keeps throttling with no email accepted in between.
   */
  public void throttled() {
    context.runOnContext(v -> {
      long now = System.nanoTime();
      if (now < pausedUntil) {
        return;
      }
      throttleMillis = acceptedSinceThrottle ? FIRST_THROTTLE_MILLIS : Math.min(MAX_THROTTLE_MILLIS, throttleMillis * 2);
      acceptedSinceThrottle = false;
      pausedUntil = now + throttleMillis * 1_000_000;
      LOG.warn("SES throttled this node: no email goes out from it for {} ms", throttleMillis);
      pump();
    });
  }

  /** SES accepted an email: the next throttling starts the backoff from the beginning. */
  public void accepted() {
    if (!acceptedSinceThrottle) {
      acceptedSinceThrottle = true;
    }
  }

  /**
   * Room for {@code n} more messages in this node's Senders' hands, taken if there is: the node
   * holds at most about four seconds of slots (at least ten messages), so that no email waits for
   * its slot anywhere near its visibility timeout, even at a sandbox's 1 email/s.
   */
  public boolean reserve(int n) {
    RateLimiter.Quota q = quota;
    int cap = q == null ? 10 : (int) Math.max(10, Math.ceil(q.ratePerSecond() * 4));
    while (true) {
      int now = held.get();
      if (now + n > cap) {
        return false;
      }
      if (held.compareAndSet(now, now + n)) {
        return true;
      }
    }
  }

  /** Gives back room taken by {@link #reserve} (a message finished, or a receive brought fewer). */
  public void unreserve(int n) {
    held.addAndGet(-n);
  }

  /** New limits (from SES GetAccount); lets waiting Senders go if the quota was used up before. */
  public void limits(RateLimiter.Quota limits) {
    quota = limits;
    context.runOnContext(v -> {
      exhausted = false;
      pump();
    });
  }

  public RateLimiter.Quota quota() {
    return quota;
  }

  /** False while the limiter (Redis) does not answer. */
  public boolean available() {
    return available;
  }

  private void enqueue(Waiter waiter) {
    waiting.addLast(waiter);
    expireAfter(waiter, waiter.maxMillis);
    pump();
  }

  private void expireAfter(Waiter waiter, long millis) {
    waiter.timer = vertx.setTimer(millis, t -> {
      if (waiting.remove(waiter)) {
        refuse(waiter, new NoSendSlot(NoSendSlot.Reason.TIMED_OUT, "no send slot within " + waiter.maxMillis + " ms"));
      }
    });
  }

  private void pump() {
    if (calling || retryTimer >= 0 || waiting.isEmpty()) {
      return;
    }
    RateLimiter.Quota q = quota;
    long paused = pausedUntil - System.nanoTime();
    if (q == null || paused > 0) {
      later(q == null ? 200 : paused / 1_000_000 + 1);
      return;
    }
    calling = true;
    limiter.acquire(q).timeout(2, TimeUnit.SECONDS).onComplete(done -> {
      calling = false;
      if (done.failed()) {
        unavailable(done.cause());
        return;
      }
      if (!available) {
        LOG.info("rate limiter ({}) answers again: sending resumes", limiter.name());
        available = true;
      }
      failures = 0;
      RateLimiter.Permit permit = done.result();
      metrics.limiterUsed(permit.usedToday(), q.daily());
      switch (permit.outcome()) {
        case GRANTED -> grant(permit, q);
        case WAIT -> later(Math.max(1, permit.micros() / 1000));
        case EXHAUSTED -> exhaust(permit.usedToday(), q);
      }
    });
  }

  private void later(long millis) {
    retryTimer = vertx.setTimer(Math.max(1, millis), t -> {
      retryTimer = -1;
      pump();
    });
  }

  private void unavailable(Throwable error) {
    if (available) {
      LOG.error("rate limiter ({}) does not answer ({}): no email goes out until it does", limiter.name(),
          error.getClass().getSimpleName());
      available = false;
    }
    failures++;
    later(Math.min(2000, 50L << Math.min(failures, 6)));
  }

  /** Hands the granted slot to the first waiter at its time; asks for the next slot at once. */
  private void grant(RateLimiter.Permit permit, RateLimiter.Quota q) {
    Waiter waiter = waiting.pollFirst();
    if (waiter == null) {
      unused(q, permit.slot());
      return;
    }
    exhausted = false;
    long micros = permit.micros();
    long at = System.nanoTime() + micros * 1000;
    if (micros < 1000) {
      release(waiter, at, q, permit.slot());
    } else {
      vertx.setTimer((micros + 999) / 1000, t -> release(waiter, at, q, permit.slot()));
    }
    pump();
  }

  private void release(Waiter waiter, long at, RateLimiter.Quota q, long slot) {
    long now = System.nanoTime();
    NoSendSlot refusal = waiter.refusal(now);
    if (refusal != null) {
      unused(q, slot);
      refuse(waiter, refusal);
      pump();
      return;
    }
    if (now - at > STALE_NANOS) {
      unused(q, slot);
      waiting.addFirst(waiter);
      vertx.cancelTimer(waiter.timer);
      expireAfter(waiter, Math.max(1, waiter.maxMillis - (now - waiter.since) / 1_000_000));
      pump();
      return;
    }
    if (waiter.caller == null) {
      vertx.cancelTimer(waiter.timer);
      metrics.limiterWait(now - waiter.since);
      waiter.promise.tryComplete();
      return;
    }
    // checked again on the Sender's own event loop, the last stop before the SES call
    waiter.caller.runOnContext(v -> {
      if (System.nanoTime() - at > STALE_NANOS || waiter.refusal(System.nanoTime()) != null) {
        context.runOnContext(x -> release(waiter, at, q, slot));
      } else {
        context.runOnContext(x -> {
          vertx.cancelTimer(waiter.timer);
          metrics.limiterWait(System.nanoTime() - waiter.since);
        });
        waiter.promise.tryComplete();
      }
    });
  }

  /** A slot nobody used: counted as stale, and no longer against the 24-hour quota. */
  private void unused(RateLimiter.Quota q, long slot) {
    metrics.limiterStale();
    limiter.giveBack(q, slot).onFailure(e -> LOG.debug("giving back an unused slot: {}", e.toString()));
  }

  private void exhaust(long used, RateLimiter.Quota q) {
    if (!exhausted) {
      LOG.warn("the SES 24-hour quota is used up ({} of {}): campaigns wait for it", used, q.daily());
      exhausted = true;
    }
    while (!waiting.isEmpty()) {
      refuse(waiting.pollFirst(), new NoSendSlot(NoSendSlot.Reason.QUOTA_EXHAUSTED, "the 24-hour quota is used up"));
    }
  }

  private void refuse(Waiter waiter, NoSendSlot reason) {
    vertx.cancelTimer(waiter.timer);
    complete(waiter, reason);
  }

  private static void complete(Waiter waiter, Throwable error) {
    Runnable done = () -> {
      if (error == null) {
        waiter.promise.tryComplete();
      } else {
        waiter.promise.tryFail(error);
      }
    };
    if (waiter.caller == null) {
      done.run();
    } else {
      waiter.caller.runOnContext(v -> done.run());
    }
  }
}
