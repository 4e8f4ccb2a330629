package io.mailroom.send;

import io.mailroom.bus.SendConfirmation;
import io.mailroom.campaign.CampaignCounters;
import io.mailroom.delivery.DeliveryStore;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.SendTask;
import io.mailroom.queue.SqsQueue;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.function.Supplier;

/**
 * Settles the sends whose outcome nobody knows: a call that got no answer (a timeout, a
 * connection lost after the request went out), and a delivery whose sender died while calling.
 * Such an email is never simply sent again. The outbox can tell whether it has the file. SES
 * cannot, but its Send event for the email (tagged with the delivery's id) can: the delivery
 * waits {@code UNCONFIRMED} for it, its message invisible on the queue for the reconcile window,
 * and is sent again only if no event came by then. With no configuration set no event can come:
 * the delivery is recorded failed ({@code AmbiguousSend}), unless {@code sender.resendAmbiguous}.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final DeliveryStore deliveries;
  private final Transport transport;
  private final SqsQueue queue;
  private final CampaignCounters counters;
  private final Outcomes outcomes;
  private final MailroomMetrics metrics;
  private final Sender.Settings settings;
  private final int maxAttempts;

  Reconciler(DeliveryStore deliveries, Transport transport, SqsQueue queue, CampaignCounters counters,
             Outcomes outcomes, MailroomMetrics metrics, Sender.Settings settings, int maxAttempts) {
    this.deliveries = deliveries;
    this.transport = transport;
    this.queue = queue;
    this.counters = counters;
    this.outcomes = outcomes;
    this.metrics = metrics;
    this.settings = settings;
    this.maxAttempts = maxAttempts;
  }

  /**
   * The delivery's previous sender died while calling the transport with {@code claim.deliveryId()}.
   * {@code sendAgain} runs when it is proven the email never arrived. True when the message is finished with.
   */
  Future<Boolean> takenOver(SendTask task, DeliveryStore.Claim claim, Message message, Supplier<Future<Boolean>> sendAgain) {
    if (transport.canFind()) {
      return transport.find(task.campaignId(), task.recipient().email(), claim.deliveryId()).compose(found -> {
        metrics.reconciled(found.isPresent() ? "found" : "resent");
        return found.isPresent() ? outcomes.sent(task, claim.attempt(), found.get()).map(true) : sendAgain.get();
      });
    }
    if (settings.sendEvents()) {
      long calledAt = claim.calledAt() > 0 ? claim.calledAt() : System.currentTimeMillis();
      return awaitSendEvent(task, claim.attempt(), false, message, calledAt + settings.reconcileMillis(), "NoAnswer",
          "its sender stopped while calling SES");
    }
    if (settings.resendAmbiguous()) {
      return sendAgain.get();
    }
    return ambiguousSend(task, claim.attempt(), "the node sending this email stopped while calling SES; not sent"
        + " again so that it cannot arrive twice");
  }

  /**
   * The reconcile window of an unanswered call ran out with no Send event: SES never had the
   * email, so {@code sendAgain} runs, unless the calls used up the attempts (failed, {@code NoAnswer}).
   */
  Future<Boolean> windowOver(SendTask task, DeliveryStore.Claim claim, Supplier<Future<Boolean>> sendAgain) {
    int calls = claim.attempt() - 1;
    if (calls < maxAttempts) {
      LOG.info("campaign {}: no Send event came for an unanswered SES call; sending again (attempt {})",
          task.campaignId(), claim.attempt());
      metrics.reconciled("resent");
      return sendAgain.get();
    }
    LOG.warn("campaign {}: {} calls got no answer from SES and no Send event; failed for good", task.campaignId(), calls);
    return deliveries.noAnswer(task.campaignId(), task.recipient().email(), claim.attempt(), calls
            + " calls got no answer from SES and no Send event came within " + settings.reconcileMillis() / 1000 + " s",
            task.encode())
        .onSuccess(v -> outcomes.countFailed(task, "NoAnswer")).map(true);
  }

  /** The call of {@code deliveryId} got no answer ({@code error}): SES may have the email. */
  Future<Boolean> unanswered(SendTask task, int attempt, String deliveryId, Message message, Throwable error) {
    if (transport.canFind()) {
      return transport.find(task.campaignId(), task.recipient().email(), deliveryId).compose(found -> found.isPresent()
          ? outcomes.sent(task, attempt, found.get()).map(true) : outcomes.failed(task, attempt, message, error));
    }
    String reason = "no answer from SES: " + error.getMessage();
    if (settings.sendEvents()) {
      return awaitSendEvent(task, attempt, true, message, System.currentTimeMillis() + settings.reconcileMillis(),
          "NoAnswer", reason);
    }
    if (settings.resendAmbiguous()) {
      return outcomes.failed(task, attempt, message, error);
    }
    return ambiguousSend(task, attempt, reason + "; not sent again so that it cannot arrive twice");
  }

  private Future<Boolean> awaitSendEvent(SendTask task, int attempt, boolean called, Message message, long until,
                                         String code, String reason) {
    return deliveries.unconfirmed(task.campaignId(), task.recipient().email(), attempt, called, until, code, reason)
        .compose(waiting -> {
          if (!waiting) {
            return Future.succeededFuture(true); // its Send event came first: recorded and counted there
          }
          metrics.reconciled("unconfirmed");
          LOG.info("campaign {}: attempt {} has no answer from SES; waiting for its Send event until {}",
              task.campaignId(), attempt, java.time.Instant.ofEpochMilli(until));
          return queue.retryAfterMillis(message, until - System.currentTimeMillis()).map(false);
        });
  }

  private Future<Boolean> ambiguousSend(SendTask task, int attempt, String reason) {
    return outcomes.failedForGood(task, attempt, "AmbiguousSend", reason, false);
  }

  /** SES's Send event: the delivery is sent. The reply says whether this event recorded it. */
  Future<Boolean> confirm(SendConfirmation event) {
    return deliveries.confirmSent(event.campaignId(), event.email(), event.deliveryId(), event.messageId())
        .onSuccess(recorded -> {
          if (recorded) {
            LOG.info("campaign {}: an email SES had not answered for is confirmed by its Send event", event.campaignId());
            metrics.reconciled("confirmed");
            counters.sent(event.campaignId());
            metrics.sent();
          }
        });
  }
}
