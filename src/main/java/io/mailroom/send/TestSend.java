package io.mailroom.send;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.AwsErrors;
import io.mailroom.compliance.CampaignKind;
import io.mailroom.limit.SendGate;
import io.mailroom.render.EmailComposer;
import io.mailroom.render.RenderedEmail;
import io.mailroom.subscription.TestSends;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A test send: a template's email, composed as a campaign's ({@link EmailComposer#preview} with
 * {@code "[TEST] "} in the subject), sent at once through the node's transport. It belongs to no
 * campaign (no Campaigns or Deliveries row, no counter) but takes its send slots from the node's
 * {@link SendGate} like any email, so that it is kept within the SES rate and quota.
 */
public final class TestSend {
  private static final Logger LOG = LoggerFactory.getLogger(TestSend.class);
  /** How long a whole test send may wait for its send slots before it gives up. */
  static final long SLOT_WAIT_MILLIS = 5_000;
  /** Only its reading of SES's errors is used: a test send is never retried. */
  private static final RetryPolicy ERRORS = new RetryPolicy(1, 0);

  private final EmailComposer composer;
  private final Transport transport;
  private final SendGate gate;
  private final TestSends made;

  public TestSend(EmailComposer composer, Transport transport, SendGate gate, TestSends made) {
    this.composer = composer;
    this.transport = transport;
    this.gate = gate;
    this.made = made;
  }

  /** One email that went: its address and the transport's message id. */
  public record Sent(String to, String messageId) { }

  /**
   * What became of a test send: the emails that went, in order, and, when one could not go, why,
   * with the addresses of it and of the ones after it, which were not tried.
   */
  public record Outcome(List<Sent> sent, List<String> unsent, Throwable failure) {
    public boolean complete() {
      return failure == null;
    }
  }

  /**
   * Every email composed first, as a campaign of {@code kind} would send it, so that one that does
   * not render stops the test before anything is sent.
   */
  public Future<List<RenderedEmail>> compose(String templateId, long templateVersion, String subjectOverride,
                                            List<Recipient> recipients, CampaignKind kind) {
    List<Future<RenderedEmail>> emails = recipients.stream()
        .map(r -> composer.preview(EmailComposer.Trial.TEST_SEND, templateId, templateVersion, subjectOverride, r,
            kind))
        .toList();
    return Future.all(emails).map(all -> all.<RenderedEmail>list());
  }

  /** Sends the emails one after the other, each at its send slot; {@code requestId} names the request in the log. */
  public Future<Outcome> send(String templateId, List<RenderedEmail> emails, String requestId) {
    long deadline = System.nanoTime() + SLOT_WAIT_MILLIS * 1_000_000;
    return next(templateId, emails, new ArrayList<>(), deadline, requestId);
  }

  private Future<Outcome> next(String templateId, List<RenderedEmail> emails, List<Sent> sent, long deadline,
                               String requestId) {
    if (sent.size() == emails.size()) {
      return Future.succeededFuture(new Outcome(List.copyOf(sent), List.of(), null));
    }
    RenderedEmail email = emails.get(sent.size());
    String deliveryId = "test-" + UUID.randomUUID();
    return gate.acquire(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))
        .compose(slot -> transport.send(email, deliveryId))
        .transform(answer -> {
          if (answer.failed()) {
            if (ERRORS.throttled(answer.cause())) {
              gate.throttled();
            }
            // the class and the code, not SES's text: it can quote the recipient's address
            LOG.warn("test send of template {}: recipient {} of {} not sent (request {}): {}", templateId,
                sent.size() + 1, emails.size(), requestId, AwsErrors.describe(answer.cause()));
            List<String> unsent = emails.subList(sent.size(), emails.size()).stream().map(RenderedEmail::to).toList();
            return Future.succeededFuture(new Outcome(List.copyOf(sent), unsent, answer.cause()));
          }
          gate.accepted();
          LOG.info("test send of template {}: recipient {} of {} through {}: message {} (request {})", templateId,
              sent.size() + 1, emails.size(), transport.name(), answer.result(), requestId);
          sent.add(new Sent(email.to(), answer.result()));
          // kept so that a bounce or complaint of this email suppresses its address; the email went either way
          return made.sent(answer.result(), email.to())
              .onFailure(e -> LOG.warn("test send {} not kept for its SES events: {}", answer.result(),
                  AwsErrors.describe(e)))
              .transform(kept -> next(templateId, emails, sent, deadline, requestId));
        });
  }
}
