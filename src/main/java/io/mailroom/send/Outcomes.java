package io.mailroom.send;

import io.mailroom.campaign.CampaignCounters;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.StatusCache;
import io.mailroom.delivery.DeliveryStore;
import io.mailroom.limit.NoSendSlot;
import io.mailroom.limit.SendGate;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.SendTask;
import io.mailroom.queue.SqsQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.List;

/**
 * What became of one send attempt, written down: the delivery's record, the campaign's counters
 * and the metrics, and what happens to the message (deleted, retried after a backoff, parked with
 * a paused campaign). A failed email is always recorded with its reason.
 */
final class Outcomes {
  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);
  private static final int RECORD_ATTEMPTS = 5;

  private final Vertx vertx;
  private final SqsQueue queue;
  private final DeliveryStore deliveries;
  private final CampaignStore campaigns;
  private final StatusCache states;
  private final CampaignCounters counters;
  private final SendGate gate;
  private final RetryPolicy retries;
  private final MailroomMetrics metrics;

  Outcomes(Vertx vertx, SqsQueue queue, DeliveryStore deliveries, Sender.Campaigns campaign, Sender.Outbound outbound,
           MailroomMetrics metrics) {
    this.vertx = vertx;
    this.queue = queue;
    this.deliveries = deliveries;
    this.campaigns = campaign.store();
    this.states = campaign.statuses();
    this.counters = campaign.counters();
    this.gate = outbound.gate();
    this.retries = outbound.retries();
    this.metrics = metrics;
  }

  public Future<Boolean> suppressed(SendTask task, int attempt, String reason) {
    return deliveries.suppressed(task.campaignId(), task.recipient().email(), attempt, reason)
        .onSuccess(v -> {
          counters.suppressed(task.campaignId());
          metrics.suppressed(reason);
        }).map(true);
  }

  /**
   * SES was not called: the attempt is given back. The 24-hour quota used up stops the campaign
   * ({@code quota_exhausted}) and parks the delivery until the quota has room again; no slot in
   * time (Redis down, or a long wait) puts the message back on the queue for a few seconds.
   */
  private Future<Boolean> noSlot(SendTask task, int attempt, Message message, NoSendSlot noSlot) {
    String email = task.recipient().email();
    Future<Boolean> parked = noSlot.reason() == NoSendSlot.Reason.QUOTA_EXHAUSTED
        ? stop(task, CampaignStatus.QUOTA_EXHAUSTED, "the SES 24-hour quota is used up")
            .compose(x -> deliveries.park(task.campaignId(), email, attempt, message.body()))
        : Future.succeededFuture(false);
    return parked.compose(done -> done ? Future.succeededFuture(true)
        : deliveries.giveBack(task.campaignId(), email, attempt)
            .compose(v -> queue.retryAfter(message, 2))
            .map(false));
  }

  private Future<?> stop(SendTask task, CampaignStatus to, String reason) {
    return campaigns.transition(task.campaignId(), List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING), to, reason,
            System.currentTimeMillis())
        .onSuccess(changed -> changed.ifPresent(c -> LOG.warn("campaign {} is now {}: {}", c.id(), to.wire(), reason)))
        .onComplete(x -> states.forget(task.campaignId()));
  }

  /**
   * SES has the email: recording it is what stops a second send, so a failed write is tried again
   * at once rather than left to the message's next receive.
   */
  public Future<Void> sent(SendTask task, int attempt, String messageId) {
    return recordSent(task, attempt, messageId, 1);
  }

  private Future<Void> recordSent(SendTask task, int attempt, String messageId, int round) {
    return deliveries.sent(task.campaignId(), task.recipient().email(), attempt, messageId)
        .onSuccess(recorded -> {
          if (recorded) { // else SES's Send event recorded it first, and counted it
            counters.sent(task.campaignId());
            metrics.sent();
          }
        })
        .<Void>mapEmpty()
        .recover(e -> {
          if (round >= RECORD_ATTEMPTS || e instanceof ConditionalCheckFailedException) {
            LOG.error("campaign {}: an accepted email (SES id {}) could not be recorded: {}", task.campaignId(),
                messageId, e.getClass().getSimpleName());
            return Future.failedFuture(e);
          }
          return vertx.timer(100L << round).compose(t -> recordSent(task, attempt, messageId, round + 1));
        });
  }

  /**
   * The send failed: no slot (given back or parked), SES refusing to send (the campaign pauses), a
   * transient error (retried after a backoff) or a permanent one (recorded failed with its reason).
   * True when the message is finished with.
   */
  public Future<Boolean> failed(SendTask task, int attempt, Message message, Throwable error) {
    if (error instanceof NoSendSlot noSlot) {
      return noSlot(task, attempt, message, noSlot);
    }
    if (retries.throttled(error)) {
      gate.throttled();
    }
    RetryPolicy.Verdict verdict = retries.classify(error);
    String email = task.recipient().email();
    if (verdict.kind() == RetryPolicy.Kind.PAUSE) {
      LOG.error("campaign {}: SES refuses to send ({}); pausing the campaign", task.campaignId(), verdict.code());
      return stop(task, CampaignStatus.PAUSED, "SES: " + verdict.code())
          .compose(x -> deliveries.park(task.campaignId(), email, attempt, message.body()))
          .compose(parked -> parked ? Future.succeededFuture(true)
              : deliveries.retrying(task.campaignId(), email, attempt, verdict.code(), verdict.reason()).map(false));
    }
    if (retries.retry(verdict, attempt)) {
      int delaySeconds = (int) Math.max(1, Math.ceil(retries.backoffMillis(attempt) / 1000.0));
      // the code and the class, not SES's message: it can quote the recipient's address
      LOG.info("campaign {}: attempt {} failed ({}, {}); retrying in {} s", task.campaignId(), attempt, verdict.code(),
          error.getClass().getSimpleName(), delaySeconds);
      metrics.retried(verdict.code());
      return deliveries.retrying(task.campaignId(), email, attempt, verdict.code(), verdict.reason())
          .compose(v -> queue.retryAfter(message, delaySeconds))
          .map(false);
    }
    LOG.warn("campaign {}: a delivery failed for good after {} attempt(s): {}", task.campaignId(), attempt,
        verdict.code());
    return failedForGood(task, attempt, verdict.code(), verdict.reason(), verdict.kind() == RetryPolicy.Kind.TRANSIENT);
  }

  /**
   * Failed for good with {@code code} and {@code reason}: recorded and counted; the message is
   * finished with. A {@code transientCause} (attempts ran out) keeps the task for a resend.
   */
  Future<Boolean> failedForGood(SendTask task, int attempt, String code, String reason, boolean transientCause) {
    return deliveries.failed(task.campaignId(), task.recipient().email(), attempt, code, reason,
            transientCause ? task.encode() : null)
        .onSuccess(v -> countFailed(task, code)).map(true);
  }

  /** A delivery recorded failed for good counts in its campaign and in the metrics. */
  void countFailed(SendTask task, String code) {
    counters.failed(task.campaignId());
    metrics.failed(code);
  }
}
