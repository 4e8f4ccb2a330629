package io.mailroom.limit;

import io.vertx.core.Context;
import io.vertx.core.Promise;

import java.util.function.BooleanSupplier;

/**
 * One email waiting in a {@link SendGate} for its send slot, for at most {@code maxMillis}, and
 * only while {@code open} says it may go (quiet hours can close the door on campaign email).
 */
final class Waiter {
  final Promise<Void> promise = Promise.promise();
  final Context caller;
  final long since = System.nanoTime();
  final long maxMillis;
  final BooleanSupplier open;
  long timer = -1;

  Waiter(Context caller, long maxMillis, BooleanSupplier open) {
    this.caller = caller;
    this.maxMillis = maxMillis;
    this.open = open;
  }

  boolean late(long now) {
    return now - since > maxMillis * 1_000_000;
  }

  /** Why this email may not take its slot at {@code now}: too late, or its door closed; null when it may. */
  NoSendSlot refusal(long now) {
    if (late(now)) {
      return new NoSendSlot(NoSendSlot.Reason.TIMED_OUT, "no send slot within " + maxMillis + " ms");
    }
    return open.getAsBoolean() ? null : new NoSendSlot(NoSendSlot.Reason.HELD, "campaign sending is held");
  }
}
