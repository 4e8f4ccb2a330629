package io.mailroom.send;

import io.mailroom.campaign.CampaignStore;
import io.mailroom.queue.SendTask;
import io.mailroom.queue.SqsQueue;
import io.mailroom.render.RenderedEmail;
import io.mailroom.render.Renderer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of the Sender pool: long-polls the send queue, and for each message claims the
 * delivery, renders the email, hands it to the transport, records the outcome and deletes the
 * message. A transient failure leaves the message on the queue to come back after a backoff.
 */
public final class Sender extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
  private static final int RECEIVE_MAX = 10;
  private static final long COMPLETION_CHECK_MILLIS = 1000;

  private final SqsQueue queue;
  private final DeliveryStore deliveries;
  private final CampaignStore campaigns;
  private final Renderer renderer;
  private final Transport transport;
  private final RetryPolicy retries;
  private final int waitSeconds;
  private final long leaseMillis;
  private final Set<String> touched = new HashSet<>();
  private boolean running;
  private Future<Void> inHand = Future.succeededFuture();
  private long completionTimer;

  public Sender(SqsQueue queue, DeliveryStore deliveries, CampaignStore campaigns, Renderer renderer,
                Transport transport, RetryPolicy retries, int waitSeconds, int visibilityTimeoutSeconds) {
    this.queue = queue;
    this.deliveries = deliveries;
    this.campaigns = campaigns;
    this.renderer = renderer;
    this.transport = transport;
    this.retries = retries;
    this.waitSeconds = waitSeconds;
    this.leaseMillis = visibilityTimeoutSeconds * 1000L;
  }

  @Override
  public Future<?> start() {
    running = true;
    poll();
    completionTimer = vertx.setPeriodic(COMPLETION_CHECK_MILLIS, t -> checkCompletions());
    return Future.succeededFuture();
  }

  /**
   * Stops taking messages: the ones in hand are finished first; ones a pending long poll still
   * brings are made visible again at once.
   */
  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(completionTimer);
    return inHand.eventually(() -> {
      checkCompletions();
      return Future.succeededFuture();
    });
  }

  private void poll() {
    if (!running) {
      return;
    }
    queue.receive(RECEIVE_MAX, waitSeconds)
        .compose(messages -> {
          if (!running) {
            return release(messages);
          }
          inHand = handleAll(messages);
          return inHand;
        })
        .onComplete(done -> {
          if (done.failed() && running) {
            LOG.warn("send queue: {}; trying again in 1 s", done.cause().toString());
            vertx.setTimer(1000, t -> poll());
          } else {
            poll();
          }
        });
  }

  private Future<Void> handleAll(List<Message> messages) {
    List<Future<Boolean>> outcomes = new ArrayList<>();
    for (Message message : messages) {
      outcomes.add(handle(message).recover(e -> {
        LOG.warn("message {} kept on the queue: {}", message.messageId(), e.toString());
        return Future.succeededFuture(false);
      }));
    }
    return Future.join(outcomes).transform(all -> {
      List<Message> finished = new ArrayList<>();
      for (int i = 0; i < messages.size(); i++) {
        if (Boolean.TRUE.equals(outcomes.get(i).result())) {
          finished.add(messages.get(i));
        }
      }
      return queue.deleteBatch(finished);
    });
  }

  private Future<Void> release(List<Message> messages) {
    return Future.join(messages.stream().map(m -> queue.retryAfter(m, 0)).toList()).mapEmpty();
  }

  /** Handles one message; true when it is finished with and can be deleted. */
  private Future<Boolean> handle(Message message) {
    SendTask task;
    try {
      task = SendTask.decode(message.body());
    } catch (IllegalArgumentException e) {
      LOG.error("message {} is not a send task and goes to the dead-letter queue after its receives: {}",
          message.messageId(), e.getMessage());
      return Future.succeededFuture(false);
    }
    return deliveries.claim(task.campaignId(), task.recipient().email(), leaseMillis).compose(claim -> switch (claim.state()) {
      case FINISHED -> Future.succeededFuture(true);
      case BUSY -> Future.succeededFuture(false);
      case CLAIMED -> send(task, claim.attempt(), message);
    }).onComplete(outcome -> touched.add(task.campaignId())); // after the outcome is recorded, never before
  }

  private Future<Boolean> send(SendTask task, int attempt, Message message) {
    String email = task.recipient().email();
    return renderer.template(task.templateId())
        .map(template -> renderer.render(template, task, Map.of(), List.<RenderedEmail.Header>of()))
        .compose(transport::send)
        .compose(messageId -> deliveries.sent(task.campaignId(), email, attempt, messageId).map(true),
            error -> failed(task, attempt, message, error));
  }

  private Future<Boolean> failed(SendTask task, int attempt, Message message, Throwable error) {
    RetryPolicy.Verdict verdict = retries.classify(error);
    String email = task.recipient().email();
    if (retries.retry(verdict, attempt)) {
      int delaySeconds = (int) Math.max(1, Math.ceil(retries.backoffMillis(attempt) / 1000.0));
      LOG.info("campaign {}: attempt {} failed ({}); retrying in {} s", task.campaignId(), attempt, verdict.code(),
          delaySeconds);
      return deliveries.retrying(task.campaignId(), email, attempt, verdict.code(), verdict.reason())
          .compose(v -> queue.retryAfter(message, delaySeconds))
          .map(false);
    }
    LOG.warn("campaign {}: a delivery failed for good after {} attempt(s): {}", task.campaignId(), attempt,
        verdict.code());
    return deliveries.failed(task.campaignId(), email, attempt, verdict.code(), verdict.reason()).map(true);
  }

  private void checkCompletions() {
    for (String id : touched) {
      campaigns.completeIfDone(id, System.currentTimeMillis())
          .onSuccess(done -> {
            if (done) {
              LOG.info("campaign {} completed", id);
            }
          })
          .onFailure(e -> LOG.warn("campaign {}: completion check failed: {}", id, e.toString()));
    }
    touched.clear();
  }
}
