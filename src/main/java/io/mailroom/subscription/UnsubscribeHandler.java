package io.mailroom.subscription;

import io.mailroom.audience.Recipient;
import io.mailroom.bus.Channels;
import io.mailroom.bus.SesFeedback;
import io.mailroom.bus.SubscriptionChange;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The one place consent changes: unsubscribe links (all marketing, or topic by topic), one-click
 * unsubscribes from mail providers, and SES bounces and complaints. It verifies each token,
 * writes the Users table and the Suppressions table, and publishes the change for the write-back
 * to MySQL; leaving all marketing is written first as one suppression, the rest following from it
 * ({@link Unsubscribes}), and saving topics, with any consent given again, by {@link Preferences}.
 * The preference page waits a bounded time for the customer's topics, and
 * is shown from the token alone past it. Any campaign token may withdraw consent; only one issued
 * after the customer's last unsubscribe may give it again, and a preview or test-send token
 * changes nothing. Replies carry no address in clear; failures carry a status and a stable code
 * ({@code 400 invalid_token}, {@code 400 unknown_topic}, {@code 403 preview_token},
 * {@code 409 token_predates_unsubscribe}, {@code 422 unknown_recipient}).
 */
public final class UnsubscribeHandler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeHandler.class);
  static final String PREVIEW_TOKEN = "preview_token";
  static final String TOKEN_PREDATES_UNSUBSCRIBE = "token_predates_unsubscribe";

  /** A change the token may not make; nothing was written. */
  private static final class Refused extends RuntimeException {
    Refused(String code) {
      super(code, null, false, false);
    }
  }

  /** The refusal of a change, answered 409 with {@code code}. */
  static RuntimeException refused(String code) {
    return new Refused(code);
  }

  private final UnsubscribeToken tokens;
  private final ConsentStore consent;
  private final SuppressionStore suppressions;
  private final List<String> topics;
  private final MailroomMetrics metrics;
  private final Timing timing;
  private final ConsentChanges changes;
  private Unsubscribes unsubscribes;
  private Preferences preferences;
  private BiFunction<String, String, Future<Boolean>> campaignResults = (campaign, email) -> Future.succeededFuture(false);

  /**
   * {@code topicsBudgetMillis}: how long the preference page waits for the customer's topics before
   * it is shown from the token alone; {@code sweepSeconds}: how often pending unsubscribes are swept.
   */
  public record Timing(long topicsBudgetMillis, int sweepSeconds) { }

  /** With the default timing of {@code conf/local.json}: topics budget 150 ms, a sweep every 60 s. */
  public UnsubscribeHandler(UnsubscribeToken tokens, ConsentStore consent, SuppressionStore suppressions,
                            List<String> topics, MailroomMetrics metrics) {
    this(tokens, consent, suppressions, topics, metrics, new Timing(150, 60));
  }

  public UnsubscribeHandler(UnsubscribeToken tokens, ConsentStore consent, SuppressionStore suppressions,
                            List<String> topics, MailroomMetrics metrics, Timing timing) {
    this(tokens, consent, suppressions, topics, metrics, timing, ConsentChanges.NONE);
  }

  /** As above; every consent change is recorded in {@code changes} as part of applying it. */
  public UnsubscribeHandler(UnsubscribeToken tokens, ConsentStore consent, SuppressionStore suppressions,
                            List<String> topics, MailroomMetrics metrics, Timing timing, ConsentChanges changes) {
    this.changes = changes;
    this.tokens = tokens;
    this.consent = consent;
    this.suppressions = suppressions;
    this.topics = topics;
    this.metrics = metrics;
    this.timing = timing;
  }

  /** Counts each unsubscribe on the campaign whose email it came through ({@code (campaignId, email)}). */
  public UnsubscribeHandler countingIn(BiFunction<String, String, Future<Boolean>> results) {
    this.campaignResults = results;
    return this;
  }

  @Override
  public Future<?> start() {
    unsubscribes = new Unsubscribes(vertx, consent, suppressions, metrics, campaignResults, changes);
    unsubscribes.sweepEvery(timing.sweepSeconds());
    preferences = new Preferences(vertx, new Preferences.Parts(consent, suppressions, unsubscribes, changes, metrics),
        topics);
    return Future.all(
        Channels.SUBSCRIPTION_PREFERENCES.consumer(vertx.eventBus(), this::onPreferences).completion(),
        Channels.SUBSCRIPTION_CHANGE.consumer(vertx.eventBus(), this::onChange).completion(),
        Channels.SES_FEEDBACK.consumer(vertx.eventBus(), this::onSesFeedback).completion());
  }

  @Override
  public Future<?> stop() {
    unsubscribes.stop();
    return Future.succeededFuture();
  }

  private void onPreferences(Message<String> message) {
    Optional<UnsubscribeToken.Claims> claims = tokens.open(message.body());
    if (claims.isEmpty()) {
      message.fail(400, "invalid_token");
      return;
    }
    UnsubscribeToken.Claims token = claims.get();
    boolean preview = token.kind() == UnsubscribeToken.Kind.PREVIEW;
    long issuedAt = token.issuedAt().toEpochMilli();
    Future<JsonObject> full = consent.customer(token.email())
        .map(found -> view(token.email(), found.map(ConsentStore.Customer::recipient), false,
            !preview && found.map(c -> c.recipient().subscribed() || c.mayConsentAgain(issuedAt)).orElse(false))
            .put("preview", preview));
    withinBudget(full, () -> new JsonObject().put("maskedEmail", Addresses.mask(token.email())).put("withoutTopics", true)
        .put("subscribed", false).put("canChoose", false).put("preview", preview).put("topics", new JsonArray()))
        .onSuccess(message::reply);
  }

  /**
   * {@code full} when it comes within the topics budget; else, or when it fails (the store is
   * slow or down), the page {@code fromToken} alone: the masked address and the button that
   * leaves everything, which needs no read.
   */
  private Future<JsonObject> withinBudget(Future<JsonObject> full, java.util.function.Supplier<JsonObject> fromToken) {
    Promise<JsonObject> answer = Promise.promise();
    long timer = vertx.setTimer(timing.topicsBudgetMillis(), t -> {
      if (answer.tryComplete(fromToken.get())) {
        metrics.pageWithoutTopics();
      }
    });
    full.onComplete(read -> {
      vertx.cancelTimer(timer);
      if (read.succeeded()) {
        answer.tryComplete(read.result());
      } else if (answer.tryComplete(fromToken.get())) {
        LOG.warn("preference page shown without topics: {}", read.cause().toString());
        metrics.pageWithoutTopics();
      }
    });
    return answer.future();
  }

  private void onChange(Message<SubscriptionChange> message) {
    SubscriptionChange change = message.body();
    Optional<UnsubscribeToken.Claims> claims = tokens.open(change.token());
    if (claims.isEmpty()) {
      message.fail(400, "invalid_token");
      return;
    }
    if (claims.get().kind() == UnsubscribeToken.Kind.PREVIEW) {
      message.fail(403, PREVIEW_TOKEN);
      return;
    }
    String email = claims.get().email();
    String campaignId = claims.get().campaignId();
    long issuedAt = claims.get().issuedAt().toEpochMilli();
    String via = change.via();
    if (change.action() == SubscriptionChange.Action.PREFERENCES) {
      Set<String> keep = new LinkedHashSet<>();
      for (String topic : change.topics()) {
        if (!topics.contains(topic)) {
          message.fail(400, "unknown_topic");
          return;
        }
        keep.add(topic);
      }
      if (!keep.isEmpty()) {
        preferences.save(email, keep, issuedAt)
            .onSuccess(found -> message.reply(view(email, found, true, true)))
            .onFailure(e -> fail(message, e));
        return;
      }
    }
    // a one-click is answered once its suppression is written; the page's form shows the whole result
    unsubscribes.leave(email, campaignId, via, !"one_click".equals(via))
        .onSuccess(changed -> message.reply(view(email, Optional.empty(), changed, false)))
        .onFailure(e -> fail(message, e));
  }

  private void onSesFeedback(Message<SesFeedback> message) {
    SesFeedback feedback = message.body();
    boolean permanent = feedback.permanent();
    Suppression reason = feedback.kind() == SesFeedback.Kind.COMPLAINT ? Suppression.COMPLAINT : Suppression.BOUNCE;
    String detail = feedback.detail() == null ? "" : feedback.detail();
    long now = System.currentTimeMillis();
    List<Future<Boolean>> each = new ArrayList<>();
    for (String recipient : feedback.recipients()) {
      String email = Addresses.normal(recipient);
      each.add(consent.read(email).compose(found -> {
        if (found.isEmpty()) {
          return Future.succeededFuture(false);
        }
        return (permanent ? suppressions.suppress(email, reason, detail, now) : consent.softBounce(email, now))
            .map(true);
      }));
    }
    Future.all(each).onSuccess(all -> {
      int known = 0;
      for (int i = 0; i < all.size(); i++) {
        known += Boolean.TRUE.equals(all.resultAt(i)) ? 1 : 0;
      }
      if (known == 0) {
        message.fail(422, "unknown_recipient");
        return;
      }
      String counted = permanent ? reason.wire() : "soft_bounce";
      metrics.sesEvent(counted, known);
      LOG.info("SES {} for {} known recipient(s){}", counted, known, permanent ? ": suppressed" : ": counted");
      message.reply(new JsonObject().put("kind", counted).put("known", known).put("unknown", all.size() - known)
          .put("suppressed", permanent ? known : 0));
    }).onFailure(e -> fail(message, e));
  }

  /**
   * What the pages show: the masked address, consent, and each topic with whether the customer is
   * on it. No customer (not in the audience, or one who just left everything) shows no consent.
   * {@code canChoose} says whether the page may offer the topics form, i.e. whether this token's
   * choice would be accepted.
   */
  private JsonObject view(String email, Optional<Recipient> found, boolean changed, boolean canChoose) {
    boolean subscribed = found.map(Recipient::subscribed).orElse(false);
    JsonArray list = new JsonArray();
    for (String topic : topics) {
      list.add(new JsonObject().put("name", topic)
          .put("subscribed", subscribed && found.map(r -> r.wants(topic)).orElse(false)));
    }
    return new JsonObject().put("maskedEmail", Addresses.mask(email)).put("subscribed", subscribed).put("changed", changed)
        .put("canChoose", canChoose).put("preview", false).put("topics", list);
  }

  private static void fail(Message<?> message, Throwable e) {
    if (e instanceof Refused refused) {
      message.fail(409, refused.getMessage());
      return;
    }
    LOG.error("consent change failed: {}", e.toString());
    message.fail(503, "unavailable");
  }
}
