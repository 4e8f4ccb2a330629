package io.mailroom.send;

import io.mailroom.render.RenderedEmail;
import io.vertx.core.Future;

/** Where a rendered email goes: SES, or the outbox folder of the embedded default. */
public interface Transport {
  /** Sends one email; succeeds with the provider's message id. */
  Future<String> send(RenderedEmail email);

  /** A name for logs and status. */
  String name();
}
