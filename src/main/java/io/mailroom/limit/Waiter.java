package io.mailroom.limit;

import io.vertx.core.Context;
import io.vertx.core.Promise;

/** One email waiting in a {@link SendGate} for its send slot, for at most {@code maxMillis}. */
final class Waiter {
  final Promise<Void> promise = Promise.promise();
  final Context caller;
  final long since = System.nanoTime();
  final long maxMillis;
  long timer = -1;

  Waiter(Context caller, long maxMillis) {
    this.caller = caller;
    this.maxMillis = maxMillis;
  }

  boolean late(long now) {
    return now - since > maxMillis * 1_000_000;
  }
}
