package io.mailroom.compliance.notices;

import io.mailroom.aws.AwsErrors;
import io.mailroom.limit.SendGate;
import io.mailroom.render.RenderedEmail;
import io.mailroom.send.RetryPolicy;
import io.mailroom.send.Transport;
import io.mailroom.subscription.TestSends;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Sends one consent notice as a test send does: a slot from the node's {@link SendGate} (the SES
 * rate and quota every email shares), then the node's {@link Transport}. Never retried here: the
 * caller records a failure and tries again later.
 */
final class NoticeSender {
  private static final Logger LOG = LoggerFactory.getLogger(NoticeSender.class);
  /** How long a notice waits for its send slot before it counts as failed (and waits for the next try). */
  static final long SLOT_WAIT_MILLIS = 30_000;
  /** Only its reading of SES's errors is used. */
  private static final RetryPolicy ERRORS = new RetryPolicy(1, 0);

  private final Transport transport;
  private final SendGate gate;
  private final TestSends made;

  NoticeSender(Transport transport, SendGate gate, TestSends made) {
    this.transport = transport;
    this.gate = gate;
    this.made = made;
  }

  /**
   * The transport's message id. The message is kept (as a test send's is) so that a bounce or
   * complaint of the notice suppresses its address; the notice went whether or not that is kept.
   */
  Future<String> send(RenderedEmail email) {
    return gate.acquire(SLOT_WAIT_MILLIS)
        .compose(slot -> transport.send(email, "notice-" + UUID.randomUUID()))
        .onSuccess(id -> {
          gate.accepted();
          made.sent(id, email.to()).onFailure(e -> LOG.warn("consent notice {} not kept for its SES events: {}", id,
              AwsErrors.describe(e)));
        })
        .onFailure(e -> {
          if (ERRORS.throttled(e)) {
            gate.throttled();
          }
        });
  }
}
