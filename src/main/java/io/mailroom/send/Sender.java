package io.mailroom.send;

import io.mailroom.bus.Channels;
import io.mailroom.campaign.CampaignCounters;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.StatusCache;
import io.mailroom.compliance.SendingHold;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryStore;
import io.mailroom.limit.SendGate;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.SendTask;
import io.mailroom.queue.SqsQueue;
import io.mailroom.render.EmailComposer;
import io.mailroom.render.RenderedEmail;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One member of the Sender pool: long-polls the send queue, and for each message claims the
 * delivery, checks the campaign still runs (a paused one parks the delivery, a cancelled one
 * cancels it) and that the customer still consents, composes the email, marks the delivery
 * {@code CALLING} and hands the email to the transport, has {@link Outcomes} record what became
 * of it, and deletes the message. A transient failure leaves the message on the queue to come
 * back after a backoff; a call with no answer is settled by the {@link Reconciler}, which also
 * takes SES's Send events ({@code SEND_CONFIRMED}). During quiet hours it takes no message, and one
 * it holds goes back to the queue unsent.
 */
public final class Sender extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
  private static final int RECEIVE_MAX = 10;
  private static final long COUNTER_FLUSH_MILLIS = 250;
  /** Send-time consent checks asked within this of each other are read together. */
  private static final long CONSENT_WINDOW_MILLIS = 3;

  /** The campaign's side of sending: its record, its status as last seen, its counters. */
  public record Campaigns(CampaignStore store, StatusCache statuses, CampaignCounters counters) { }

  /** How an email leaves: the transport, the node's send gate (SES quotas), what is retried, and the quiet hours. */
  public record Outbound(Transport transport, SendGate gate, RetryPolicy retries, SendingHold hold) { }

  /**
   * How one Sender works: its long-poll wait, its delivery lease (the queue's visibility timeout),
   * the messages it holds at most, the topic of tasks queued without one, and how a send with no
   * answer is settled: whether SES publishes Send events (a configuration set is configured), how
   * long to wait for one, and whether to send again when none can come.
   */
  public record Settings(int waitSeconds, long leaseMillis, int maxInFlight, String defaultTopic, boolean sendEvents,
                         long reconcileMillis, boolean resendAmbiguous) {
    public static Settings of(MailroomConfig config) {
      boolean events = config.transport() == MailroomConfig.TransportKind.SES && !config.ses().configurationSet().isEmpty();
      return new Settings(config.sqs().waitSeconds(), config.sqs().visibilityTimeoutSeconds() * 1000L,
          config.sender().maxInFlight(), config.subscription().defaultTopic(), events,
          config.sender().reconcileSeconds() * 1000L, config.sender().resendAmbiguous());
    }
  }

  private final SqsQueue queue;
  private final DeliveryStore deliveries;
  private final Campaigns campaign;
  private final Outbound outbound;
  private final EmailComposer composer;
  private final int maxInFlight;
  private final Settings settings;
  private final MailroomMetrics metrics;
  private final ConsentCheck consent;
  private final SendGate gate;
  private boolean waitingForRoom;
  private final List<Message> finished = new ArrayList<>();
  private boolean running;
  private boolean receiving;
  private int inFlight;
  private long deleteTimer = -1;
  private Promise<Void> drained;
  private long flushTimer;
  private Outcomes outcomes;
  private Reconciler reconciler;
  private ConsentCheck.Batch consentNow;

  public Sender(SqsQueue queue, DeliveryStore deliveries, Campaigns campaign, EmailComposer composer, Outbound outbound,
                ConsentCheck consent, MailroomMetrics metrics, Settings settings) {
    this.queue = queue;
    this.deliveries = deliveries;
    this.campaign = campaign;
    this.outbound = outbound;
    this.composer = composer;
    this.gate = outbound.gate();
    this.consent = consent;
    this.metrics = metrics;
    this.maxInFlight = Math.max(RECEIVE_MAX, settings.maxInFlight());
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    outcomes = new Outcomes(vertx, queue, deliveries, campaign, outbound, metrics);
    consentNow = consent.batch(CONSENT_WINDOW_MILLIS);
    reconciler = new Reconciler(deliveries, outbound.transport(), queue, campaign.counters(), outcomes, metrics, settings,
        outbound.retries().maxAttempts());
    running = true;
    pump();
    flushTimer = vertx.setPeriodic(COUNTER_FLUSH_MILLIS, t -> campaign.counters().flush());
    return Channels.SEND_CONFIRMED.consumer(vertx.eventBus(), event -> reconciler.confirm(event.body())
        .onSuccess(event::reply)
        .onFailure(e -> {
          LOG.warn("a Send event could not be recorded now (SNS delivers it again): {}", e.toString());
          event.fail(503, "unavailable");
        })).completion();
  }

  /**
   * Stops taking messages: the ones in hand are finished and deleted first; ones a pending long
   * poll still brings are made visible again at once.
   */
  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(flushTimer);
    drained = Promise.promise();
    if (inFlight == 0) {
      drained.tryComplete();
    }
    return drained.future().compose(v -> flushDeletes()).eventually(campaign.counters()::flush);
  }

  /** Keeps up to {@code maxInFlight} messages in hand: receives more whenever there is room for ten. */
  private void pump() {
    if (!running || receiving || inFlight + RECEIVE_MAX > maxInFlight || waitingForRoom) {
      return;
    }
    if (outbound.hold().held() || !gate.reserve(RECEIVE_MAX)) {
      // quiet hours, or this node holds enough emails for its send slots already: leave the rest on the queue
      waitingForRoom = true;
      vertx.setTimer(100, t -> {
        waitingForRoom = false;
        pump();
      });
      return;
    }
    receiving = true;
    queue.receive(RECEIVE_MAX, settings.waitSeconds()).onComplete(received -> {
      receiving = false;
      gate.unreserve(received.succeeded() && running ? RECEIVE_MAX - received.result().size() : RECEIVE_MAX);
      if (received.failed()) {
        if (running) {
          LOG.warn("send queue: {}; trying again in 1 s", received.cause().toString());
          vertx.setTimer(1000, t -> pump());
        }
        return;
      }
      if (!running) {
        release(received.result());
        return;
      }
      received.result().forEach(this::take);
      pump();
    });
  }

  private void take(Message message) {
    inFlight++;
    handle(message)
        .recover(e -> {
          LOG.warn("message {} kept on the queue: {}", message.messageId(), e.toString());
          return Future.succeededFuture(false);
        })
        .onSuccess(done -> {
          inFlight--;
          gate.unreserve(1);
          if (done) {
            delete(message);
          }
          if (drained != null && inFlight == 0) {
            drained.tryComplete();
          }
          pump();
        });
  }

  /** Deletes in batches of ten, or after 50 ms, whichever comes first. */
  private void delete(Message message) {
    finished.add(message);
    if (finished.size() >= RECEIVE_MAX) {
      flushDeletes();
    } else if (deleteTimer < 0) {
      deleteTimer = vertx.setTimer(50, t -> {
        deleteTimer = -1;
        flushDeletes();
      });
    }
  }

  private Future<Void> flushDeletes() {
    if (finished.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Message> batch = new ArrayList<>(finished);
    finished.clear();
    return queue.deleteBatch(batch)
        .onFailure(e -> LOG.warn("deleting {} finished messages failed ({}); they come back and are acked as finished",
            batch.size(), e.toString()));
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
    // the lease as this node's clock sees it: no SES call is begun in its last half
    long callBy = System.nanoTime() + settings.leaseMillis() * 500_000L;
    return deliveries.claim(task.campaignId(), task.recipient().email(), settings.leaseMillis()).compose(claim -> switch (claim.state()) {
      case FINISHED -> Future.succeededFuture(true);
      case BUSY -> Future.succeededFuture(false);
      case WAITING -> queue.retryAfterMillis(message, claim.waitMillis()).map(false);
      case AMBIGUOUS -> reconciler.takenOver(task, claim, message, () -> sendUnlessStopped(task, claim, message, callBy));
      case UNANSWERED -> reconciler.windowOver(task, claim, () -> sendUnlessStopped(task, claim, message, callBy));
      case CLAIMED -> sendUnlessStopped(task, claim, message, callBy);
    });
  }

  private Future<Boolean> sendUnlessStopped(SendTask task, DeliveryStore.Claim claim, Message message, long callBy) {
    return campaign.statuses().status(task.campaignId()).compose(status -> switch (status) {
      case PAUSED, QUOTA_EXHAUSTED -> deliveries.park(task.campaignId(), task.recipient().email(), claim.attempt(), message.body())
          .compose(parked -> parked ? Future.succeededFuture(true)
              : sendIfConsenting(task, claim.attempt(), message, callBy));
      case CANCELLED, FAILED -> deliveries.cancelled(task.campaignId(), task.recipient().email(), claim.attempt())
          .onSuccess(v -> campaign.counters().cancelled(task.campaignId())).map(true);
      default -> sendIfConsenting(task, claim.attempt(), message, callBy);
    });
  }

  /**
   * Asks again, right before sending, whether the customer still wants this topic and is not
   * suppressed: an unsubscribe clicked while the campaign runs wins over the queued email.
   */
  private Future<Boolean> sendIfConsenting(SendTask task, int attempt, Message message, long callBy) {
    String email = task.recipient().email();
    String topic = task.topic() == null ? settings.defaultTopic() : task.topic();
    return consentNow.blockedNow(email, topic).compose(
        blocked -> blocked.isPresent() ? outcomes.suppressed(task, attempt, blocked.get())
            : composer.compose(task.campaignId(), task.templateId(), task.templateVersion(), task.subject(),
                task.recipient(), task.kind())
                .compose(rendered -> call(task, attempt, rendered, message, callBy),
                    error -> outcomes.failed(task, attempt, message, error)),
        error -> outcomes.failed(task, attempt, message, error));
  }

  /**
   * Marks the delivery {@code CALLING} with a new delivery id (the email carries it), then waits for
   * the send slot, so that a slow write never bunches calls at SES, and calls the transport. An
   * attempt that no longer holds the delivery does not call; nor does one with no slot before the
   * last half of its lease (the gate gives such a slot back unused).
   */
  private Future<Boolean> call(SendTask task, int attempt, RenderedEmail email, Message message, long callBy) {
    String deliveryId = attempt + "-" + UUID.randomUUID();
    return deliveries.calling(task.campaignId(), task.recipient().email(), attempt, deliveryId).compose(ours -> {
      if (!ours) {
        LOG.info("campaign {}: attempt {} no longer holds its delivery; not sent", task.campaignId(), attempt);
        return Future.succeededFuture(false);
      }
      return outbound.gate().acquire(Math.max(0, (callBy - System.nanoTime()) / 1_000_000), outbound.hold()::open)
          .transform(slot -> slot.failed() ? outcomes.failed(task, attempt, message, slot.cause())
              : transmit(task, attempt, email, message, deliveryId));
    }, error -> outcomes.failed(task, attempt, message, error));
  }

  private Future<Boolean> transmit(SendTask task, int attempt, RenderedEmail email, Message message, String deliveryId) {
    long started = System.nanoTime();
    return outbound.transport().send(email, deliveryId).onComplete(x -> metrics.transportCall(System.nanoTime() - started))
        .transform(answer -> {
          if (answer.succeeded()) {
            gate.accepted();
            return outcomes.sent(task, attempt, answer.result()).map(true);
          }
          return outbound.retries().ambiguous(answer.cause())
              ? reconciler.unanswered(task, attempt, deliveryId, message, answer.cause())
              : outcomes.failed(task, attempt, message, answer.cause());
        });
  }
}
