package io.mailroom.subscription;

import io.mailroom.bus.ConsentChange;
import io.vertx.core.Future;

/**
 * Where a consent change made through Mailroom is recorded durably for what must follow from it
 * (the confirmation the customer is owed), before the change counts as applied. Recording the
 * same change twice records it once.
 */
@FunctionalInterface
public interface ConsentChanges {
  /** Records nothing (no profile asks for confirmations). */
  ConsentChanges NONE = (change, via) -> Future.succeededFuture();

  /** Records {@code change}, made {@code via} a route ({@code one_click}, {@code page}, ...). */
  Future<Void> record(ConsentChange change, String via);
}
