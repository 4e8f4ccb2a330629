package io.mailroom.subscription;

import io.mailroom.aws.OnceStore;
import io.mailroom.aws.Tables;
import io.mailroom.bus.Channels;
import io.mailroom.bus.SendConfirmation;
import io.mailroom.bus.SesFeedback;
import io.mailroom.bus.SesNotice;
import io.mailroom.config.MailroomConfig;
import io.mailroom.http.ApiError;
import io.mailroom.results.EventRecorder;
import io.mailroom.results.ResultListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.util.Optional;

/**
 * {@code POST /v1/ses/events}: SES bounces, complaints and Send events through SNS. A message is
 * applied when SNS signed it ({@link SnsVerifier}: allowed topic, fresh Timestamp), once per
 * MessageId (recorded in the Seen table after it was applied, so that SNS's retry of a message
 * that failed halfway is applied still), and, for an event tagged with one of our deliveries, when
 * its SES message id is that delivery's. A verified message gets the same 200 whichever addresses it
 * names, so that the answer tells an outsider nothing about who the customers are.
 */
public final class SesEventRoute {
  private static final Logger LOG = LoggerFactory.getLogger(SesEventRoute.class);
  /**
   * How long a MessageId is remembered: a message is accepted up to an hour after its Timestamp
   * (and five minutes before it), so two hours outlive every copy of it we could still accept.
   */
  static final long SEEN_SECONDS = 2 * 3600;
  /** Longer than applying one message may take (an event-bus request is answered within 30 s). */
  static final long APPLYING_SECONDS = 120;

  private final Vertx vertx;
  private final SnsVerifier sns;
  private final OnceStore once;
  private final DeliveryMatch deliveries;
  private final EventRecorder results;

  SesEventRoute(Vertx vertx, SnsVerifier sns, OnceStore once, DeliveryMatch deliveries, EventRecorder results) {
    this.vertx = vertx;
    this.sns = sns;
    this.once = once;
    this.deliveries = deliveries;
    this.results = results;
  }

  /** The route with its parts: the SNS verifier, the Seen table, the deliveries table. */
  public static SesEventRoute create(Vertx vertx, MailroomConfig.Sns settings, DynamoDbAsyncClient dynamo,
                                     Tables tables, ResultListener listener) {
    OnceStore seen = new OnceStore(dynamo, tables.seen());
    return new SesEventRoute(vertx, new SnsVerifier(vertx, settings), seen,
        new DeliveryMatch(dynamo, tables.deliveries(), new TestSends(seen)),
        new EventRecorder(dynamo, tables.deliveries(), tables.campaigns(), listener));
  }

  public void mount(Router router, int maxBodyBytes) {
    router.post("/v1/ses/events").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    SnsMessage message;
    try {
      message = SnsMessage.parse(ctx.body().asString());
    } catch (SnsMessage.Invalid e) {
      json(ctx, 400, error(e.field() == null ? "invalid_json" : "invalid_field", e.getMessage(), e.field()));
      return;
    }
    sns.verify(message).compose(verified -> switch (verified.type()) {
      case "SubscriptionConfirmation" -> sns.confirm(verified).map(v -> {
        LOG.info("SNS subscription confirmed");
        return new JsonObject().put("confirmed", true);
      });
      case "UnsubscribeConfirmation" -> Future.succeededFuture(new JsonObject().put("ignored", true));
      default -> once(verified);
    }).onSuccess(body -> json(ctx, 200, body)).onFailure(e -> refuse(ctx, e));
  }

  /**
   * Applies a notification unless its MessageId was applied already, then records it. While one
   * copy is being applied, another (SNS retries after some seconds) gets 503 and comes back later:
   * a 200 could lose the message should the first copy fail.
   */
  private Future<JsonObject> once(SnsMessage message) {
    String key = "sns:" + message.field("MessageId");
    String busy = "sns-applying:" + message.field("MessageId");
    return once.seen(key).compose(seen -> seen
        ? Future.succeededFuture(new JsonObject().put("received", true).put("duplicate", true))
        : once.claim(busy, APPLYING_SECONDS).compose(ours -> ours
            ? apply(message.field("Message"))
                .compose(body -> once.record(key, SEEN_SECONDS).map(body))
                .eventually(() -> once.release(busy))
            : Future.failedFuture(new SnsVerifier.Refused(503, "unavailable", "MessageId",
                "another copy of this message is being applied; SNS will deliver it again"))));
  }

  private Future<JsonObject> apply(String event) {
    Optional<SesNotice> notice = SesEvent.of(event);
    if (notice.isEmpty()) {
      return result(event, SesEvent.origin(event));
    }
    if (notice.get() instanceof SendConfirmation send) {
      return Channels.SEND_CONFIRMED.request(vertx.eventBus(), send)
          .map(recorded -> new JsonObject().put("kind", "send").put("recorded", recorded));
    }
    return deliveries.ours(SesEvent.origin(event)).compose(ours -> {
      if (!ours) {
        LOG.info("SES feedback for a delivery whose SES message id is not the event's: ignored");
        return Future.succeededFuture(new JsonObject().put("received", true));
      }
      return feedback((SesFeedback) notice.get()).compose(body -> result(event, SesEvent.origin(event)));
    });
  }

  /**
   * Records a tagged event of one of our deliveries on it and counts it on its campaign
   * ({@link EventRecorder}); an untagged event, or one of an email we did not send, records nothing.
   */
  private Future<JsonObject> result(String event, Optional<SesEvent.Origin> origin) {
    if (origin.isEmpty() || TestSends.CAMPAIGN_ID.equals(origin.get().campaignId())) {
      return Future.succeededFuture(new JsonObject().put("received", true));
    }
    return deliveries.ours(origin).compose(ours -> !ours
        ? Future.succeededFuture(new JsonObject().put("received", true))
        : results.record(origin.get().campaignId(), origin.get().email(), event)
            .map(recorded -> new JsonObject().put("received", true)));
  }

  /** The same answer whether the addresses are customers or not; strangers are only logged, by count. */
  private Future<JsonObject> feedback(SesFeedback feedback) {
    return Channels.SES_FEEDBACK.request(vertx.eventBus(), feedback)
        .map(reply -> new JsonObject().put("received", true))
        .recover(e -> {
          if (e instanceof ReplyException reply && reply.failureCode() == 422) {
            LOG.info("SES {} named {} address(es), none a customer: nothing changed", feedback.kind(),
                feedback.recipients().size());
            return Future.succeededFuture(new JsonObject().put("received", true));
          }
          return Future.failedFuture(e);
        });
  }

  private static void refuse(RoutingContext ctx, Throwable e) {
    if (e instanceof SnsVerifier.Refused refused) {
      LOG.warn("SNS message refused: {}", refused.code());
      json(ctx, refused.status(), error(refused.code(), refused.getMessage(), refused.field()));
    } else if (e instanceof SnsMessage.Invalid invalid) {
      json(ctx, 400, error("invalid_field", invalid.getMessage(), invalid.field()));
    } else {
      LOG.error("SES event not handled: {}", e.toString());
      json(ctx, 503, error("unavailable", "the event could not be recorded now; SNS will deliver it again", null));
    }
  }

  private static JsonObject error(String code, String message, String field) {
    return new ApiError(400, code, message, field).toJson();
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Cache-Control", "no-store")
        .putHeader("X-Content-Type-Options", "nosniff").putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
