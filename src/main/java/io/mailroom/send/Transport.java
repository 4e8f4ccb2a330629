package io.mailroom.send;

import io.mailroom.render.RenderedEmail;
import io.vertx.core.Future;

import java.util.Optional;

/** Where a rendered email goes: SES, or the outbox folder of the embedded default. */
public interface Transport {
  /**
   * Sends one email, which carries {@code deliveryId} (letters, digits, '-' and '_') so that the
   * provider's own record of it can be joined to the delivery; succeeds with the provider's
   * message id.
   */
  Future<String> send(RenderedEmail email, String deliveryId);

  /**
   * Whether this transport can tell by itself whether an email reached it ({@link #find}). SES
   * cannot: its Send events tell.
   */
  default boolean canFind() {
    return false;
  }

  /** The message id of the email of {@code deliveryId} to {@code to}, or empty when it never arrived. */
  default Future<Optional<String>> find(String campaignId, String to, String deliveryId) {
    return Future.failedFuture(new UnsupportedOperationException(name() + " cannot tell what it received"));
  }

  /** A name for logs and status. */
  String name();
}
