package io.mailroom.compliance.notices;

import io.mailroom.limit.SendGate;
import io.mailroom.render.RenderedEmail;
import io.mailroom.send.RetryPolicy;
import io.mailroom.send.Transport;
import io.vertx.core.Future;

import java.util.UUID;

/**
 * Sends one consent notice as a test send does: a slot from the node's {@link SendGate} (the SES
 * rate and quota every email shares), then the node's {@link Transport}. Never retried here: the
 * caller records a failure and tries again later.
 */
final class NoticeSender {
  /** How long a notice waits for its send slot before it counts as failed (and waits for the next try). */
  static final long SLOT_WAIT_MILLIS = 30_000;
  /** Only its reading of SES's errors is used. */
  private static final RetryPolicy ERRORS = new RetryPolicy(1, 0);

  private final Transport transport;
  private final SendGate gate;

  NoticeSender(Transport transport, SendGate gate) {
    this.transport = transport;
    this.gate = gate;
  }

  /** The transport's message id. */
  Future<String> send(RenderedEmail email) {
    return gate.acquire(SLOT_WAIT_MILLIS)
        .compose(slot -> transport.send(email, "notice-" + UUID.randomUUID()))
        .onSuccess(id -> gate.accepted())
        .onFailure(e -> {
          if (ERRORS.throttled(e)) {
            gate.throttled();
          }
        });
  }
}
