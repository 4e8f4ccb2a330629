package io.mailroom.subscription;

import io.mailroom.bus.ConsentChange;
import io.vertx.core.Future;

/**
 * Where a consent change made through Mailroom is recorded durably for what must follow from it
 * (the confirmation the customer is owed), before the change is written, so that a write that
 * fails or a node that stops after it never loses the confirmation. Recording the same change
 * twice records it once. A consent given is confirmed only once its write has taken (the Users
 * item holds the {@code ConsentAt} that write set); a recorded consent whose write failed sends
 * nothing.
 */
@FunctionalInterface
public interface ConsentChanges {
  /** Records nothing (no profile asks for confirmations). */
  ConsentChanges NONE = (change, via, consentAt) -> Future.succeededFuture();

  /**
   * Records {@code change}, made {@code via} a route ({@code one_click}, {@code page}, ...); a
   * consent given is written with {@code ConsentAt = consentAt}.
   */
  Future<Void> record(ConsentChange change, String via, long consentAt);

  /** As above, for a change whose consent, if given, is dated by the change itself. */
  default Future<Void> record(ConsentChange change, String via) {
    return record(change, via, change.at());
  }
}
